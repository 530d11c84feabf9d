package dev.lifeboat.activities.restore;

import dev.lifeboat.activities.postgres.PgBinaries;
import dev.lifeboat.activities.postgres.PgProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL server on a restored data directory, run with {@code pg_ctl}: as the {@code
 * postgres} operating-system user when the worker runs as root (PostgreSQL refuses root), else as
 * the worker's own user. Its log lives beside the directory, so a failed start can be explained.
 */
final class RestoredServer {

  /** The operating-system user that owns and runs restored clusters when the worker is root. */
  static final String OS_USER = PgProcesses.OS_USER;

  private final Path directory;
  private final int port;

  RestoredServer(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  /** The server log, beside the data directory. */
  Path log() {
    return directory.resolveSibling(directory.getFileName() + ".log");
  }

  static boolean runningAsRoot() {
    return PgProcesses.runningAsRoot();
  }

  /** Gives a tree to the user that runs the server, when the worker is root. */
  static void handOver(Path path) throws IOException {
    PgProcesses.handOver(path);
  }

  /**
   * Starts the server without waiting: recovery may take long, and the caller polls it.
   *
   * @param settings {@code -c name=value} settings that override the restored configuration
   */
  void start(List<String> settings) throws IOException {
    StringBuilder options = new StringBuilder("-p " + port);
    for (String setting : settings) {
      options.append(" -c ").append(setting);
    }
    List<String> command = new ArrayList<>();
    command.addAll(asServerUser());
    command.addAll(
        List.of(
            pgCtl(),
            "-D",
            directory.toString(),
            "-l",
            log().toString(),
            "-W",
            "-o",
            options.toString(),
            "start"));
    Files.deleteIfExists(log());
    run(command, 60);
  }

  /** Whether the server's postmaster is alive. */
  boolean running() {
    if (!Files.exists(directory.resolve("postmaster.pid"))) {
      return false;
    }
    List<String> command = new ArrayList<>(asServerUser());
    command.addAll(List.of(pgCtl(), "-D", directory.toString(), "status"));
    try {
      run(command, 30);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The pid of a postmaster alive on {@code directory}, if one is. */
  static java.util.Optional<Long> runningPid(Path directory) throws IOException {
    Path pidFile = directory.resolve("postmaster.pid");
    if (!Files.exists(pidFile) || !new RestoredServer(directory, 0).running()) {
      return java.util.Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    try {
      return java.util.Optional.of(lines.isEmpty() ? -1L : Long.parseLong(lines.get(0).strip()));
    } catch (NumberFormatException e) {
      return java.util.Optional.of(-1L);
    }
  }

  /** Stops the server at once, if it runs. */
  void stop() throws IOException {
    if (!Files.exists(directory.resolve("postmaster.pid"))) {
      return;
    }
    List<String> command = new ArrayList<>(asServerUser());
    command.addAll(
        List.of(pgCtl(), "-D", directory.toString(), "-m", "immediate", "-w", "-t", "60", "stop"));
    try {
      run(command, 90);
    } catch (IOException e) {
      if (running()) {
        throw e;
      }
    }
  }

  /** The last lines of the log that say what went wrong, for a failure message. */
  String lastErrors() {
    try {
      List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
      List<String> errors =
          lines.stream().filter(l -> l.contains("FATAL") || l.contains("PANIC")).toList();
      List<String> tail = errors.isEmpty() ? lines : errors;
      return String.join(" | ", tail.subList(Math.max(0, tail.size() - 3), tail.size()));
    } catch (IOException e) {
      return "no log at " + log();
    }
  }

  /**
   * The pg_ctl of the directory's PostgreSQL version: another version's would start its own {@code
   * postgres}, which refuses the directory.
   */
  private String pgCtl() {
    return PgBinaries.forDataDirectory(directory, "pg_ctl").toString();
  }

  private static List<String> asServerUser() {
    return PgProcesses.asServerUser();
  }

  private static void run(List<String> command, int timeoutSeconds) throws IOException {
    run(command, Map.of(), timeoutSeconds);
  }

  /** Runs a PostgreSQL tool to its end; see {@link PgProcesses#run}. */
  static void run(List<String> command, Map<String, String> environment, int timeoutSeconds)
      throws IOException {
    PgProcesses.run(command, environment, timeoutSeconds);
  }
}
