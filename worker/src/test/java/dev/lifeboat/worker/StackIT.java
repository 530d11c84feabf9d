package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack scripts themselves, on a second stack with its own state folder and ports so the main
 * stack the other tests use keeps running: {@code up} twice is a no-op, {@code status} shows every
 * service healthy, {@code down} leaves no process of ours, a taken port is named.
 */
class StackIT {

  /** Ports of the second stack: the main stack's plus an offset, all on 127.0.0.1. */
  private static final Map<String, String> PORTS =
      Map.of(
          "TEMPORAL_PORT", "17233",
          "TEMPORAL_UI_PORT", "18233",
          "PG_PRIMARY_PORT", "56532",
          "PG_STANDBY_PORT", "56533",
          "PGBOUNCER_PORT", "56632",
          "REDIS_PORT", "56479",
          "MOTO_PORT", "55100",
          "FAKE_GCS_PORT", "14443",
          "AZURITE_PORT", "11000");

  @TempDir Path state;

  @Test
  void upTwiceIsANoOpAndDownLeavesNothingRunning() throws Exception {
    try {
      Result first = stack("up");
      assertThat(first.exitCode()).as(first.output()).isZero();
      Map<String, Long> pids = pids();
      assertThat(pids.keySet())
          .containsExactlyInAnyOrder(
              "temporal",
              "pg-sydney",
              "pg-tokyo",
              "pgbouncer",
              "redis",
              "moto",
              "fake-gcs",
              "azurite");

      Result second = stack("up");
      assertThat(second.exitCode()).as(second.output()).isZero();
      assertThat(second.output())
          .contains("temporal already running")
          .contains("redis already running");
      assertThat(second.output()).doesNotContain("starting ").doesNotContain("initdb");
      assertThat(pids()).isEqualTo(pids);

      Result status = stack("status");
      assertThat(status.output().lines())
          .hasSize(8)
          .allSatisfy(line -> assertThat(line).contains(" healthy "));
      assertThat(status.output())
          .containsPattern("pg-sydney .* role primary")
          .containsPattern("pg-tokyo .* role standby, replication lag \\d+ bytes");

      Result down = stack("down");
      assertThat(down.exitCode()).as(down.output()).isZero();
      for (Map.Entry<String, Long> service : pids.entrySet()) {
        assertThat(isAlive(service.getValue()))
            .as("%s (pid %d) after down", service.getKey(), service.getValue())
            .isFalse();
      }
      for (String port : PORTS.values()) {
        assertThat(listening(Integer.parseInt(port))).as("port %s after down", port).isFalse();
      }
    } finally {
      stack("down", "--purge");
    }
  }

  @Test
  void aTakenPortIsNamedAndNothingIsStarted() throws Exception {
    try (ServerSocket squatter =
        new ServerSocket(
            Integer.parseInt(PORTS.get("TEMPORAL_PORT")), 1, InetAddress.getLoopbackAddress())) {
      Result up = stack("up");

      assertThat(up.exitCode()).isEqualTo(1);
      assertThat(up.output())
          .contains("port 17233 for Temporal gRPC on 127.0.0.1 is already taken")
          .contains("set the matching *_PORT variable");
      assertThat(pids()).isEmpty();
    } finally {
      stack("down", "--purge");
    }
  }

  private record Result(int exitCode, String output) {}

  private Result stack(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = RealStack.ROOT.resolve("scripts/stack.sh").toString();
    System.arraycopy(args, 0, command, 2, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.putAll(PORTS);
    env.put("LIFEBOAT_STATE", state.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("stack %s finished", args[0]).isTrue();
    return new Result(process.exitValue(), output);
  }

  private Map<String, Long> pids() throws IOException {
    Map<String, Long> pids = new LinkedHashMap<>();
    Path run = state.resolve("run");
    if (!Files.isDirectory(run)) {
      return pids;
    }
    try (Stream<Path> files = Files.list(run)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".pid")).sorted().toList()) {
        String name = file.getFileName().toString().replace(".pid", "");
        pids.put(name, Long.parseLong(Files.readString(file).strip()));
      }
    }
    return pids;
  }

  /** A zombie still answers kill -0, so ask the process table for a live, non-zombie process. */
  private static boolean isAlive(long pid) throws IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String content = Files.readString(stat);
    char processState = content.charAt(content.lastIndexOf(')') + 2);
    return processState != 'Z' && processState != 'X';
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
