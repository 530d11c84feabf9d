package dev.lifeboat.activities.postgres;

import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The server of a configured node, driven through {@code pg_ctl} on the node's own host: the
 * actions of a failover that need the data directory (stop, start, crash, rejoin). Its log is
 * {@code <dataDir>.lifeboat.log} beside the directory.
 */
final class NodeServer {

  private final NodeSpec node;
  private final Path directory;

  NodeServer(NodeSpec node) {
    if (node.dataDir() == null || node.dataDir().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "node "
              + node.name()
              + " has no dataDir in lifeboat.yaml; stopping, starting or rejoining it needs the"
              + " path of its data directory on its host",
          ErrorTypes.NO_DATA_DIR);
    }
    this.node = node;
    this.directory = Path.of(node.dataDir());
  }

  Path directory() {
    return directory;
  }

  Path log() {
    return directory.resolveSibling(directory.getFileName() + ".lifeboat.log");
  }

  /** The postmaster's process id from {@code postmaster.pid}, or 0 when there is none. */
  long postmasterPid() {
    try {
      List<String> lines = Files.readAllLines(directory.resolve("postmaster.pid"));
      return lines.isEmpty() ? 0 : Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Whether the postmaster lives. {@code kill -0} also succeeds on a zombie, so the process state
   * is read from /proc as well.
   */
  boolean running() {
    char state = postmasterState();
    return state != 'Z' && state != 'X' && state != '-';
  }

  /**
   * The postmaster's process state from /proc ({@code R}, {@code S}, {@code T} for stopped, ...),
   * or {@code -} when there is no such process.
   */
  private char postmasterState() {
    long pid = postmasterPid();
    if (pid <= 0) {
      return '-';
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
    } catch (IOException e) {
      return '-';
    }
  }

  /**
   * Stops the server: {@code fast} first, then {@code immediate}, and a postmaster that still runs
   * after both, or is stalled (stopped by a signal, or traced), is killed with its children: a
   * stalled primary that is resumed later must not take a write. Returns whether it ran.
   */
  boolean stop() throws IOException {
    if (!running()) {
      return false;
    }
    if (stalled()) {
      killWithChildren();
      return true;
    }
    try {
      pgCtlStop("fast", 20);
    } catch (IOException e) {
      if (running()) {
        try {
          pgCtlStop("immediate", 30);
        } catch (IOException stillRunning) {
          killWithChildren();
        }
      }
    }
    return true;
  }

  /** {@code pg_ctl stop} in a mode, waiting up to {@code seconds} for the server to go. */
  private void pgCtlStop(String mode, int seconds) throws IOException {
    PgProcesses.run(
        PgProcesses.tool(
            "pg_ctl", "-D", directory.toString(), "-m", mode, "-w", "-t", "" + seconds, "stop"),
        Map.of(),
        2 * seconds);
  }

  private boolean stalled() {
    char state = postmasterState();
    return state == 'T' || state == 't';
  }

  /** SIGKILL reaches a stopped process too; children first, so none outlives the postmaster. */
  private void killWithChildren() throws IOException {
    long pid = postmasterPid();
    if (pid <= 0) {
      return;
    }
    try {
      PgProcesses.run(List.of("pkill", "-KILL", "-P", Long.toString(pid)), Map.of(), 10);
    } catch (IOException noChildren) {
      // pkill exits 1 when nothing matched.
    }
    PgProcesses.run(List.of("kill", "-KILL", Long.toString(pid)), Map.of(), 10);
    // Until it is reaped, not only dead: PostgreSQL's lock file check takes a zombie for a
    // running postmaster, and a start right after would fail.
    Path proc = Path.of("/proc", Long.toString(pid));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (Files.exists(proc) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while killing node " + node.name(), e);
      }
    }
    if (running()) {
      throw new IOException("node " + node.name() + " (pid " + pid + ") survived SIGKILL");
    }
  }

  /** Lifeboat's mark beside a {@code standby.signal} that it wrote to fence a demoted primary. */
  static final String DEMOTION_MARKER = "lifeboat.demoted";

  /**
   * Leaves the stopped server demoted on disk: a {@code standby.signal} makes any later start a
   * start in recovery, which no client can turn into a writable primary. The marker says Lifeboat
   * wrote it, so only Lifeboat's own undo removes it.
   */
  void demoteOnDisk(String why) throws IOException {
    Path signal = directory.resolve("standby.signal");
    Path marker = directory.resolve(DEMOTION_MARKER);
    if (!Files.exists(signal)) {
      Files.writeString(marker, why + "\n", StandardCharsets.UTF_8);
      Files.write(signal, new byte[0]);
      PgProcesses.handOver(signal);
      PgProcesses.handOver(marker);
    }
  }

  /** Removes a demotion that Lifeboat left on disk; returns whether there was one. */
  boolean liftDemotion() throws IOException {
    Path marker = directory.resolve(DEMOTION_MARKER);
    if (!Files.exists(marker)) {
      return false;
    }
    Files.deleteIfExists(directory.resolve("standby.signal"));
    Files.delete(marker);
    return true;
  }

  /** Starts the server and waits until it accepts connections; a running server is left alone. */
  void start() throws IOException {
    if (running()) {
      return;
    }
    try {
      PgProcesses.run(
          PgProcesses.tool(
              "pg_ctl",
              "-D",
              directory.toString(),
              "-l",
              log().toString(),
              "-w",
              "-t",
              "120",
              "start"),
          Map.of(),
          150);
    } catch (IOException e) {
      throw new IOException(
          "node " + node.name() + " did not start: " + e.getMessage() + "; log: " + lastLogLines(),
          e);
    }
  }

  /** Kills the postmaster with SIGKILL and returns its pid, or 0 when it did not run. */
  long crash() throws IOException {
    long pid = postmasterPid();
    if (pid <= 0 || !running()) {
      return 0;
    }
    PgProcesses.run(List.of("kill", "-9", Long.toString(pid)), Map.of(), 10);
    return pid;
  }

  String lastLogLines() {
    try {
      List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log() + ")";
    }
  }
}
