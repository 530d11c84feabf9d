package dev.lifeboat.activities.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The local DR stack as integration tests see it: emulator ports, and stopping and starting one
 * emulator through {@code scripts/stack.sh} for outage tests.
 *
 * <p>The script is {@code $LIFEBOAT_STACK_SCRIPT} when set (for a worktree that uses the stack of
 * another checkout), else {@code <repo root>/scripts/stack.sh}, where the repo root is {@code
 * $LIFEBOAT_ROOT} or the nearest folder above the working directory holding {@code lifeboat.yaml}.
 */
public final class LocalStack {

  private static final long SCRIPT_TIMEOUT_SECONDS = 120;

  private LocalStack() {}

  /** Returns the port in an environment variable, or a default when it is unset. */
  public static int port(String variable, int defaultPort) {
    String value = System.getenv(variable);
    return value == null || value.isBlank() ? defaultPort : Integer.parseInt(value.strip());
  }

  /** Returns a port on 127.0.0.1 that nothing listens on, for tests of an unreachable store. */
  public static int closedPort() throws IOException {
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stops one service, for example {@code moto}; it loses its in-memory state. */
  public static void stop(String service) throws IOException, InterruptedException {
    run("stop", service);
  }

  /** Starts one service and waits until its port answers. */
  public static void start(String service) throws IOException, InterruptedException {
    run("start", service);
  }

  private static void run(String action, String service) throws IOException, InterruptedException {
    Path script = stackScript();
    // Output goes to a file, not a pipe: an emulator the script leaves running could inherit a
    // pipe and keep it open, and reading it would then never end.
    Path output = Files.createTempFile("lifeboat-stack-", ".log");
    try {
      Process process =
          new ProcessBuilder(List.of("bash", script.toString(), action, service))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      String command = script + " " + action + " " + service;
      if (!process.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command + " did not finish: " + Files.readString(output));
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            command + " exited " + process.exitValue() + ": " + Files.readString(output));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  static Path stackScript() {
    String explicit = System.getenv("LIFEBOAT_STACK_SCRIPT");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    return repoRoot().resolve("scripts/stack.sh");
  }

  static Path repoRoot() {
    String root = System.getenv("LIFEBOAT_ROOT");
    if (root != null && !root.isBlank()) {
      return Path.of(root);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("lifeboat.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no lifeboat.yaml above " + Path.of("").toAbsolutePath() + "; set LIFEBOAT_ROOT");
  }
}
