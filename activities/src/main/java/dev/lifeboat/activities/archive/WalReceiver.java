package dev.lifeboat.activities.archive;

import dev.lifeboat.workflows.model.NodeSpec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code pg_receivewal} process streaming a replication slot into a spool folder. It runs
 * without {@code --synchronous}: it then fsyncs and reports a segment as flushed (which moves the
 * slot) only when the segment is closed, so the slot keeps the segment being received on the server
 * until it is whole in the spool; we ship only closed segments, so flushing every write would buy
 * nothing but fsyncs and, if the slot were listed in {@code synchronous_standby_names}, commit
 * latency on the primary. Without {@code --no-loop} it reconnects by itself after a dropped
 * connection. Under Linux it is started through {@code setpriv --pdeathsig KILL}, so it dies with
 * the worker even on {@code kill -9}; its pid is also kept in the spool so a later run can end an
 * orphan.
 */
final class WalReceiver implements AutoCloseable {

  static final String PID_FILE = "pg_receivewal.pid";
  static final String LOG_FILE = "pg_receivewal.log";
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  private final Process process;
  private final Path log;
  private long logOffset;

  private WalReceiver(Process process, Path log, long logOffset) {
    this.process = process;
    this.log = log;
    this.logOffset = logOffset;
  }

  /**
   * Starts streaming.
   *
   * @param program the {@code pg_receivewal} binary
   * @param spool the folder it writes into
   * @param state the folder of its pid and log files (beside the spool)
   */
  static WalReceiver start(
      Path program, Path spool, Path state, NodeSpec source, String slot, String password)
      throws IOException {
    endOrphan(state);
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETPRIV)) {
      command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
    }
    command.addAll(
        List.of(
            program.toString(),
            "--directory",
            spool.toString(),
            "--slot",
            slot,
            "--host",
            source.host(),
            "--port",
            Integer.toString(source.port()),
            "--username",
            source.user(),
            "--no-password",
            "--status-interval",
            "5",
            "--verbose"));
    Path log = state.resolve(LOG_FILE);
    long offset = Files.exists(log) ? Files.size(log) : 0;
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("PGAPPNAME", "lifeboat-wal-archiver");
    builder.environment().put("PGCONNECT_TIMEOUT", "10");
    if (password != null) {
      builder.environment().put("PGPASSWORD", password);
    } else {
      builder.environment().remove("PGPASSWORD");
    }
    Process process = builder.start();
    Files.writeString(state.resolve(PID_FILE), Long.toString(process.pid()));
    return new WalReceiver(process, log, offset);
  }

  boolean alive() {
    return process.isAlive();
  }

  int exitCode() {
    return process.exitValue();
  }

  /** The log lines written since the last call. */
  List<String> newLogLines() throws IOException {
    if (!Files.exists(log)) {
      return List.of();
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      if (length <= logOffset) {
        return List.of();
      }
      byte[] bytes = new byte[(int) Math.min(length - logOffset, 1 << 20)];
      file.seek(logOffset);
      file.readFully(bytes);
      logOffset += bytes.length;
      return List.of(new String(bytes, StandardCharsets.UTF_8).split("\n"));
    }
  }

  /** Stops it: SIGTERM (it closes its files), then SIGKILL after a few seconds. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Ends a {@code pg_receivewal} a dead worker left streaming into this spool. */
  private static void endOrphan(Path state) throws IOException {
    Path pidFile = state.resolve(PID_FILE);
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).strip());
    } catch (NumberFormatException e) {
      Files.delete(pidFile);
      return;
    }
    ProcessHandle.of(pid)
        .filter(p -> p.info().command().map(c -> c.endsWith("pg_receivewal")).orElse(false))
        .ifPresent(
            orphan -> {
              orphan.destroy();
              try {
                orphan.onExit().get(10, TimeUnit.SECONDS);
              } catch (Exception notYet) {
                orphan.destroyForcibly();
              }
            });
    Files.deleteIfExists(pidFile);
  }
}
