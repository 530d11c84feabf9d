package dev.lifeboat.worker;

import dev.lifeboat.activities.postgres.PgProcesses;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL primary of any installed version (the programs in {@code bin}) on a free
 * port of 127.0.0.1, for tests that need a server version the stack does not run. It lives under
 * /var/tmp (the postgres user must reach it), runs as postgres when the test runs as root, accepts
 * the superuser {@code postgres} with a random password over TCP, and is stopped and removed by
 * {@link #close()}.
 */
final class ThrowawayServer implements AutoCloseable {

  final Path bin;
  final Path dir;
  final Path data;
  final int port;
  final String password;

  private ThrowawayServer(Path bin, Path dir, int port, String password) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.port = port;
    this.password = password;
  }

  /**
   * Runs initdb and starts the server.
   *
   * @param settings lines for postgresql.conf beyond the address, port and WAL level
   */
  static ThrowawayServer start(Path bin, String name, Map<String, String> settings)
      throws Exception {
    Path dir = Path.of("/var/tmp", "lifeboat-it-" + name + "-" + UUID.randomUUID());
    ThrowawayServer server =
        new ThrowawayServer(bin, dir, freePort(), UUID.randomUUID().toString());
    try {
      server.initAndStart(settings);
      return server;
    } catch (Exception e) {
      server.close();
      throw e;
    }
  }

  private void initAndStart(Map<String, String> settings) throws Exception {
    Files.createDirectories(dir);
    Path pwfile = dir.resolve("pw");
    Files.writeString(pwfile, password + "\n");
    giveToServerUser(dir);
    asServerUser(
        bin.resolve("initdb").toString(),
        "-D",
        data.toString(),
        "-U",
        "postgres",
        "--pwfile=" + pwfile,
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C.UTF-8");
    Files.delete(pwfile);
    StringBuilder conf =
        new StringBuilder()
            .append("listen_addresses = '127.0.0.1'\n")
            .append("port = ")
            .append(port)
            .append('\n')
            .append("unix_socket_directories = '")
            .append(dir)
            .append("'\n")
            .append("wal_level = replica\nmax_wal_senders = 5\nshared_buffers = 32MB\n")
            .append("logging_collector = off\n");
    settings.forEach((key, value) -> conf.append(key).append(" = ").append(value).append('\n'));
    Files.writeString(
        data.resolve("postgresql.conf"),
        conf.toString(),
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    asServerUser(
        bin.resolve("pg_ctl").toString(),
        "-D",
        data.toString(),
        "-l",
        dir.resolve("server.log").toString(),
        "-w",
        "-t",
        "60",
        "start");
  }

  /** A superuser connection to one of the server's databases. */
  Connection connect(String database) throws Exception {
    return connect(port, database, password);
  }

  /** A superuser connection to a server on a port of 127.0.0.1 (a restored copy of this one). */
  static Connection connect(int port, String database, String password) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty("password", password);
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
  }

  /** Stops a server of this version on any data directory, if one runs there. */
  void stop(Path dataDirectory) throws Exception {
    if (Files.exists(dataDirectory.resolve("postmaster.pid"))) {
      List<String> command = new ArrayList<>(PgProcesses.asServerUser());
      command.addAll(
          List.of(
              bin.resolve("pg_ctl").toString(),
              "-D",
              dataDirectory.toString(),
              "-m",
              "fast",
              "-w",
              "stop"));
      new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    stop(data);
    ScratchRestore.run("rm", "-rf", dir.toString());
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Creates a folder the server user owns (a restore writes its server log beside its target). */
  static Path folderOfServerUser(Path folder) throws Exception {
    Files.createDirectories(folder);
    giveToServerUser(folder);
    return folder;
  }

  private static void giveToServerUser(Path path) throws Exception {
    if (PgProcesses.runningAsRoot()) {
      ScratchRestore.run(
          "chown", "-R", PgProcesses.OS_USER + ":" + PgProcesses.OS_USER, path.toString());
    }
  }

  private void asServerUser(String... args) throws Exception {
    List<String> command = new ArrayList<>(PgProcesses.asServerUser());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      String log =
          Files.exists(dir.resolve("server.log"))
              ? Files.readString(dir.resolve("server.log"))
              : "";
      throw new IllegalStateException(String.join(" ", args) + " failed: " + output + log);
    }
  }
}
