package dev.lifeboat.activities.postgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs PostgreSQL's own tools ({@code pg_ctl}, {@code pg_rewind}, {@code pg_basebackup}) to their
 * end: as the {@code postgres} operating-system user when the worker runs as root (PostgreSQL
 * refuses root), else as the worker's own user. Passwords go in the environment, never on the
 * command line.
 */
public final class PgProcesses {

  /** The operating-system user that owns and runs PostgreSQL when the worker is root. */
  public static final String OS_USER =
      System.getenv().getOrDefault("LIFEBOAT_RESTORE_OS_USER", "postgres");

  private PgProcesses() {}

  /** Whether the worker runs as root, so the tools must run as {@link #OS_USER}. */
  public static boolean runningAsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** The prefix that runs a command as the server's user: {@code runuser -u postgres --}. */
  public static List<String> asServerUser() {
    return runningAsRoot() ? List.of("runuser", "-u", OS_USER, "--") : List.of();
  }

  /** A PostgreSQL tool run as the server's user, for example {@code pg_ctl}. */
  public static List<String> tool(String program, String... args) {
    List<String> command = new ArrayList<>(asServerUser());
    command.add(PgTools.find(program).toString());
    command.addAll(List.of(args));
    return command;
  }

  /** Gives a file or tree to the user that runs the server, when the worker is root. */
  public static void handOver(Path path) throws IOException {
    if (runningAsRoot() && Files.exists(path)) {
      run(List.of("chown", "-R", OS_USER + ":" + OS_USER, path.toString()), Map.of(), 300);
    }
  }

  /**
   * Runs a command to its end with extra environment variables and returns its output; fails with
   * the output when it exits non-zero or runs too long.
   */
  public static String run(
      List<String> command, Map<String, String> environment, int timeoutSeconds)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      // Read on the calling thread: tools that write more than a pipe's buffer would block.
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.strip());
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
  }
}
