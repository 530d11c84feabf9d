package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.runbook.RunbookLibrary;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookMode;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookRunStatus;
import dev.lifeboat.workflows.runbook.RunbookWorkflow;
import dev.lifeboat.workflows.runbook.StepStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with SIGKILL in the middle of a runbook: a new worker takes the run over
 * at the step it was in, and no step that had finished runs again.
 */
class RunbookWorkerCrashIT {

  private static final Path JAR = RealStack.ROOT.resolve("worker/target/lifeboat-worker.jar");

  @TempDir Path dir;

  @Test
  void aRunResumesAtTheSameStepAfterTheWorkerIsKilled() throws Exception {
    Path log = dir.resolve("steps.log");
    Path append = dir.resolve("append.sh");
    Files.writeString(append, "printf '%s\\n' \"$1\" >> \"$2\"\n");
    Path runbooks = Files.createDirectories(dir.resolve("runbooks"));
    Files.writeString(
        runbooks.resolve("crash-test.yaml"),
        """
        name: crash-test
        parameters:
          - {name: script, type: string}
          - {name: log, type: string}
        steps:
          - id: first
            type: command
            with: {argv: [bash, "${script}", first, "${log}"], env: [PATH]}
          - id: hold
            type: wait
            with: {duration: 20s}
          - id: third
            type: command
            with: {argv: [bash, "${script}", third, "${log}"], env: [PATH]}
        """);
    Runbook runbook = RunbookLibrary.load(runbooks).get("crash-test");
    LifeboatConfig config = RealStack.config();
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    Process first = startWorker();
    Process second = null;
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              service,
              WorkflowClientOptions.newBuilder()
                  .setNamespace(config.temporal().namespace())
                  .build());
      String id = "runbook-crash-test-it-" + UUID.randomUUID();
      RunbookWorkflow run =
          client.newWorkflowStub(
              RunbookWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(TaskQueues.ORCHESTRATION)
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                  .build());
      WorkflowClient.start(
          run::run,
          new RunbookRequest(
              runbook,
              Map.of("script", append.toString(), "log", log.toString()),
              RunbookMode.LIVE,
              "shop",
              Map.of(),
              "RunbookWorkerCrashIT"));

      awaitStep(run, "hold", StepStatus.RUNNING, first);
      first.destroyForcibly();
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).as("killed by SIGKILL").isEqualTo(137);
      assertThat(Files.readAllLines(log)).containsExactly("first");

      second = startWorker();
      RunbookResult result =
          WorkflowStub.fromTyped(run).getResult(3, TimeUnit.MINUTES, RunbookResult.class);

      assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
      assertThat(Files.readAllLines(log)).containsExactly("first", "third");
      assertThat(result.steps()).allSatisfy(s -> assertThat(s.attempts()).isEqualTo(1));
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);
      }
      service.shutdown();
    }
  }

  private static void awaitStep(RunbookWorkflow run, String step, String status, Process worker)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(worker.isAlive()).as("worker process is running").isTrue();
      try {
        RunbookRunStatus now = run.status();
        if (now.steps().stream().anyMatch(s -> s.id().equals(step) && s.status().equals(status))) {
          return;
        }
      } catch (RuntimeException notYetPolled) {
        // The worker is still starting and cannot answer queries yet.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("step " + step + " never became " + status);
  }

  private static Process startWorker() throws IOException {
    assertThat(JAR).as("the shaded worker jar; built by 'mvn package'").exists();
    ProcessBuilder builder =
        new ProcessBuilder("java", "-jar", JAR.toString(), "lifeboat.yaml")
            .directory(RealStack.ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("LIFEBOAT_METRICS_PORT", Integer.toString(freePort()));
    return builder.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
