package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The worker jar ({@code worker/target/lifeboat-worker.jar}, built by {@code package} before the
 * ITs) running as its own process on the repository's lifeboat.yaml, so a test can SIGKILL it in
 * the middle of an activity, as a crash or an OOM kill would, and start another one.
 */
final class WorkerProcess implements AutoCloseable {

  static final Path JAR = RealStack.ROOT.resolve("worker/target/lifeboat-worker.jar");

  private final Process process;
  private final Path log;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts a worker with {@code env} as its whole environment's overrides (the test's key, NAS
   * folder, buckets) and its own metrics port; its output goes to {@code worker-<port>.log} in
   * {@code logDir}.
   */
  static WorkerProcess start(Map<String, String> env, Path logDir) throws IOException {
    return start(RealStack.ROOT.resolve("lifeboat.yaml"), env, logDir);
  }

  /** Starts a worker on another configuration file, for tests with their own clusters. */
  static WorkerProcess start(Path config, Map<String, String> env, Path logDir) throws IOException {
    int metricsPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      metricsPort = socket.getLocalPort();
    }
    Path log = logDir.resolve("worker-" + metricsPort + ".log");
    ProcessBuilder builder =
        new ProcessBuilder("java", "-jar", JAR.toString(), config.toString())
            .directory(RealStack.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("LIFEBOAT_METRICS_PORT", Integer.toString(metricsPort));
    return new WorkerProcess(builder.start(), log);
  }

  /** SIGKILL: no shutdown hook, no goodbye to the Temporal server; waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("worker killed").isTrue();
  }

  /** Whether the process still runs. */
  boolean alive() {
    return process.isAlive();
  }

  /** Where its output goes. */
  Path log() {
    return log;
  }

  /** Stops it politely (SIGTERM), then by force if it takes longer than 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** Waits until a workflow has a started (running) activity of that type. */
  static void awaitStartedActivity(
      WorkflowServiceStubs service,
      String namespace,
      WorkflowExecution execution,
      String type,
      Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean started =
          service
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(namespace)
                      .setExecution(execution)
                      .build())
              .getPendingActivitiesList()
              .stream()
              .anyMatch(
                  a ->
                      a.getActivityType().getName().equals(type)
                          && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
      if (started) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(type + " did not start within " + timeout);
  }
}
