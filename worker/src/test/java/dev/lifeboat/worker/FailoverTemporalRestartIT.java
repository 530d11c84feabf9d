package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Temporal server SIGKILLed and started again in the middle of a failover (fenced, waiting for
 * an approval): the failover is still there after the restart, on the same run, answers its query,
 * takes the approval and promotes once. The dev server keeps its state in SQLite.
 */
class FailoverTemporalRestartIT {

  private static final String PAIR = "tempo";
  private static final int EAST = 56571;
  private static final int WEST = 56572;
  private static final int BOUNCER = 56573;

  @TempDir static Path logs;

  private static PairHarness harness;
  private static WorkflowClient client;

  @BeforeAll
  static void up() throws Exception {
    harness = PairHarness.up(PAIR, EAST, WEST, BOUNCER, false);
    client = harness.client;
    Path config = logs.resolve("tempo.yaml");
    Files.writeString(
        config,
        harness.pair.config(
            "    replication: asynchronous\n"
                + "    failover: {rpoBudgetBytes: 0, escalateAfter: 2m, approvalTimeout: 10m}\n",
            "tempo-east",
            "tempo-west"));
    harness.own(WorkerProcess.start(config, Map.of(), logs));
  }

  @AfterAll
  static void down() throws Exception {
    // Whatever happened, the rest of the suite needs a running Temporal server.
    PairChecks.stackScript("start", "temporal");
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void aFailoverWaitingForAnApprovalSurvivesATemporalServerCrashAndPromotesOnce() throws Exception {
    harness.pair.detachWestAndWriteOnEast();
    FailoverWorkflow failover =
        client.newWorkflowStub(
            FailoverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FailoverWorkflow.workflowId(PAIR))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(15))
                .build());
    String runId =
        WorkflowClient.start(
                failover::failover,
                FailoverRequest.manual(PAIR, FailoverRequest.FAILOVER, "tempo-west", "drill", "it"))
            .getRunId();
    PairChecks.await(
        "the failover waits for an approval",
        Duration.ofSeconds(120),
        () -> "awaiting-approval".equals(stepOf(failover)));

    PairChecks.stackScript("kill", "temporal");
    PairChecks.stackScript("start", "temporal");

    long estimate = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (estimate < 0) {
      assertThat(System.nanoTime())
          .as("the failover answers after the restart")
          .isLessThan(deadline);
      try {
        estimate = failover.progress().estimatedLossBytes();
        assertThat(failover.progress().step()).isEqualTo("awaiting-approval");
      } catch (RuntimeException notYet) {
        Thread.sleep(500);
      }
    }
    assertThat(PairChecks.primaries(EAST, WEST)).as("nothing promoted yet").isEmpty();
    failover.decide(new FailoverApproval("ana", true, estimate, "after the restart"));
    FailoverResult result =
        client
            .newUntypedWorkflowStub(
                FailoverWorkflow.workflowId(PAIR),
                java.util.Optional.of(runId),
                java.util.Optional.empty())
            .getResult(3, TimeUnit.MINUTES, FailoverResult.class);

    assertThat(result.newPrimary()).isEqualTo("west");
    assertThat(result.approvedBy()).isEqualTo("ana");
    assertThat(PairChecks.primaries(EAST, WEST))
        .as("exactly one node takes writes")
        .containsExactly(WEST);
  }

  private static String stepOf(FailoverWorkflow failover) {
    try {
      return failover.progress().step();
    } catch (RuntimeException notYet) {
      return null;
    }
  }
}
