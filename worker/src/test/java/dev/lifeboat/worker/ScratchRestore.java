package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.postgres.PgTools;
import dev.lifeboat.activities.restore.DataDirectoryRestorer;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.model.NodeSpec;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Restores a backup from one destination into a scratch folder, starts PostgreSQL on it on a free
 * port, answers questions with SQL, and removes it all again, whatever happened.
 */
final class ScratchRestore {

  private ScratchRestore() {}

  /** The row count of each table in the restored cluster. */
  static Map<String, Long> countRows(
      LifeboatConfig config,
      Map<String, String> env,
      String destination,
      String backupId,
      Collection<String> tables)
      throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    query(
        config,
        env,
        destination,
        backupId,
        sql -> {
          for (String table : tables) {
            try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
              count.next();
              counts.put(table, count.getLong(1));
            }
          }
        });
    return counts;
  }

  /** What to ask the restored cluster. */
  interface Questions {
    void ask(Statement sql) throws Exception;
  }

  /** Restores, starts, asks, stops and removes. */
  static void query(
      LifeboatConfig config,
      Map<String, String> env,
      String destinationName,
      String backupId,
      Questions questions)
      throws Exception {
    Path target = Path.of("/var/tmp", "lifeboat-it-restore-" + UUID.randomUUID());
    SecretResolver secrets = new SecretResolver(config.secretsDir(), env);
    DestinationSettings destination =
        config.requireBackup().destinations().stream()
            .filter(d -> d.name().equals(destinationName))
            .findFirst()
            .orElseThrow();
    String pgCtl = PgTools.find("pg_ctl").toString();
    try {
      try (BackupStore store = DestinationStores.open(destination, secrets)) {
        DataDirectoryRestorer.restore(
            store,
            "shop",
            backupId,
            KeyProviders.open(config.requireBackup().keys(), secrets),
            target.resolve("data"));
      }
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      run("chown", "-R", "postgres:postgres", target.toString());
      run("chmod", "700", target.resolve("data").toString());
      run(
          "runuser",
          "-u",
          "postgres",
          "--",
          pgCtl,
          "-D",
          target.resolve("data").toString(),
          "-w",
          "-t",
          "120",
          "-l",
          target.resolve("restore.log").toString(),
          "-o",
          "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" + target,
          "start");
      NodeSpec primary = config.cluster("shop").orElseThrow().nodes().get(0);
      NodeSpec restored =
          new NodeSpec(
              "restored",
              primary.region(),
              0,
              1,
              "127.0.0.1",
              port,
              primary.database(),
              primary.user(),
              primary.passwordSecret());
      try (Connection connection = RealStack.connect(config, restored);
          Statement sql = connection.createStatement()) {
        questions.ask(sql);
      }
    } finally {
      if (target.resolve("data/postmaster.pid").toFile().exists()) {
        new ProcessBuilder(
                "runuser",
                "-u",
                "postgres",
                "--",
                pgCtl,
                "-D",
                target.resolve("data").toString(),
                "-m",
                "fast",
                "stop")
            .redirectErrorStream(true)
            .start()
            .waitFor(60, TimeUnit.SECONDS);
      }
      run("rm", "-rf", target.toString());
    }
  }

  static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
