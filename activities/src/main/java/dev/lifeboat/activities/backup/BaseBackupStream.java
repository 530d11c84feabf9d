package dev.lifeboat.activities.backup;

import dev.lifeboat.activities.postgres.PgTools;
import dev.lifeboat.workflows.model.NodeSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running {@code pg_basebackup} that writes one tar (data files and the WAL needed for
 * consistency) to its standard output, which the caller streams into the data plane: the backup is
 * never staged whole on local disk. Standard error is collected for the LSNs and for errors.
 */
final class BaseBackupStream implements AutoCloseable {

  private static final Pattern START =
      Pattern.compile("write-ahead log start point: (\\S+) on timeline (\\d+)");
  private static final Pattern END = Pattern.compile("write-ahead log end point: (\\S+)");

  private final Process process;
  private final Thread stderrReader;
  private final List<String> stderr = new ArrayList<>();

  private BaseBackupStream(Process process) {
    this.process = process;
    this.stderrReader =
        new Thread(
            () -> {
              try (var lines = process.errorReader(StandardCharsets.UTF_8).lines()) {
                lines.forEach(
                    line -> {
                      synchronized (stderr) {
                        stderr.add(line);
                      }
                    });
              }
            },
            "pg_basebackup-stderr");
    stderrReader.setDaemon(true);
    stderrReader.start();
  }

  /**
   * Starts {@code pg_basebackup} against a node, authenticating with its password.
   *
   * @param maxRate the transfer limit ({@code --max-rate}), or null for none
   */
  static BaseBackupStream start(NodeSpec node, String password, String maxRate) throws IOException {
    return start(PgTools.find("pg_basebackup"), node, password, maxRate, null);
  }

  /**
   * Starts a given {@code pg_basebackup} (the one of the server's major version), for a full backup
   * or, with {@code incrementalOf}, a block-level incremental on top of the backup whose {@code
   * backup_manifest} that file is.
   */
  static BaseBackupStream start(
      Path program, NodeSpec node, String password, String maxRate, Path incrementalOf)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command(program, node, maxRate, incrementalOf));
    if (password != null) {
      builder.environment().put("PGPASSWORD", password);
    }
    builder.environment().put("PGAPPNAME", "lifeboat-backup");
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    return new BaseBackupStream(builder.start());
  }

  /**
   * The command line: one tar on standard output with the WAL needed for consistency; the password
   * goes in the environment, never here.
   */
  static List<String> command(Path program, NodeSpec node, String maxRate, Path incrementalOf) {
    List<String> command =
        new ArrayList<>(
            List.of(
                program.toString(),
                "--host=" + node.host(),
                "--port=" + node.port(),
                "--username=" + node.user(),
                "--pgdata=-",
                "--format=tar",
                "--wal-method=fetch",
                "--checkpoint=fast",
                "--no-password",
                "--verbose"));
    if (maxRate != null) {
      command.add("--max-rate=" + maxRate);
    }
    if (incrementalOf != null) {
      command.add("--incremental=" + incrementalOf);
    }
    return command;
  }

  /** The tar stream. */
  InputStream tar() {
    return process.getInputStream();
  }

  /** The LSNs and timeline pg_basebackup reported. */
  record Positions(String startLsn, long timeline, String stopLsn) {}

  /**
   * Waits for pg_basebackup to exit after its output has been read to the end.
   *
   * @throws IOException with pg_basebackup's own error lines when it failed
   */
  Positions finish() throws IOException {
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException("pg_basebackup did not exit 5 minutes after its output ended");
      }
      stderrReader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for pg_basebackup", e);
    }
    String log = log();
    if (process.exitValue() != 0) {
      throw new IOException(
          "pg_basebackup failed with exit code " + process.exitValue() + ": " + errorLines());
    }
    Matcher start = START.matcher(log);
    Matcher end = END.matcher(log);
    if (!start.find() || !end.find()) {
      throw new IOException("pg_basebackup did not report its WAL start and end points: " + log);
    }
    return new Positions(start.group(1), Long.parseLong(start.group(2)), end.group(1));
  }

  private String log() {
    synchronized (stderr) {
      return String.join("\n", stderr);
    }
  }

  private String errorLines() {
    synchronized (stderr) {
      List<String> errors =
          stderr.stream().filter(l -> l.contains("error") || l.contains("FATAL")).toList();
      return String.join(
          "; ",
          errors.isEmpty()
              ? stderr.subList(Math.max(0, stderr.size() - 3), stderr.size())
              : errors);
    }
  }

  /** Stops pg_basebackup if it is still running (the upload failed or was cancelled). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
