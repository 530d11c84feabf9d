package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker process killed with SIGKILL in the middle of a failover (after fencing, before the
 * promotion): a new worker finishes the same workflow and exactly one primary results. The failover
 * is held between the two by an approval it needs (asynchronous replication with a stopped
 * standby), which makes the moment of the kill exact.
 */
class FailoverWorkerCrashIT {

  private static final String PAIR = "crash";
  private static final int EAST = 56541;
  private static final int WEST = 56542;
  private static final int BOUNCER = 56543;

  @TempDir static Path logs;

  private static PgPair pair;
  private static Path config;
  private static StackClient stack;
  private static WorkflowClient client;

  @BeforeAll
  static void up() throws Exception {
    pair = PgPair.up(PAIR, EAST, WEST, BOUNCER, false);
    config = logs.resolve("crash.yaml");
    Files.writeString(
        config,
        pair.config(
            "    replication: asynchronous\n"
                + "    failover: {rpoBudgetBytes: 0, escalateAfter: 2m, approvalTimeout: 5m}\n",
            "crash-east",
            "crash-west"));
    stack = StackClient.connect(FailoverWorkflow.workflowId(PAIR));
    client = stack.client;
  }

  @AfterAll
  static void down() throws Exception {
    if (stack != null) {
      stack.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void aNewWorkerFinishesTheFailoverTheKilledOneStartedAndOnePrimaryResults() throws Exception {
    pair.detachWestAndWriteOnEast();

    WorkerProcess first = WorkerProcess.start(config, Map.of(), logs);
    FailoverWorkflow failover =
        client.newWorkflowStub(
            FailoverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FailoverWorkflow.workflowId(PAIR))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build());
    WorkflowClient.start(
        failover::failover,
        FailoverRequest.manual(PAIR, FailoverRequest.FAILOVER, "crash-west", "drill", "it"));
    long deadline = System.currentTimeMillis() + 120_000;
    while (!"awaiting-approval".equals(stepOf(failover))) {
      assertThat(System.currentTimeMillis()).as("failover waits for approval").isLessThan(deadline);
      Thread.sleep(200);
    }
    assertThat(failover.progress().fencing()).anyMatch(f -> f.layer().startsWith("server east"));

    first.kill();
    try (WorkerProcess second = WorkerProcess.start(config, Map.of(), logs)) {
      // The new worker answers the query once it has replayed the workflow's history.
      long estimate = -1;
      long answered = System.currentTimeMillis() + 60_000;
      while (estimate < 0) {
        assertThat(System.currentTimeMillis()).as("the new worker answers").isLessThan(answered);
        try {
          estimate = failover.progress().estimatedLossBytes();
        } catch (RuntimeException e) {
          Thread.sleep(500);
        }
      }
      failover.decide(new FailoverApproval("ana", true, estimate, "after the crash"));
      FailoverResult result =
          WorkflowStub.fromTyped(failover).getResult(3, TimeUnit.MINUTES, FailoverResult.class);

      assertThat(result.newPrimary()).isEqualTo("west");
      assertThat(result.approvedBy()).isEqualTo("ana");
      assertThat(primaries()).as("exactly one node takes writes").containsExactly(WEST);
    } finally {
      first.close();
    }
  }

  /**
   * The failover's step, or null while no worker answers queries yet: the worker process needs a
   * few seconds to start, and a query meanwhile fails.
   */
  private static String stepOf(FailoverWorkflow failover) {
    try {
      return failover.progress().step();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The ports of the nodes that answer as primaries. */
  private static List<Integer> primaries() {
    List<Integer> primaries = new ArrayList<>();
    for (int port : new int[] {EAST, WEST}) {
      try (Connection c = PgPair.superuser(port, "shop");
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT pg_is_in_recovery()")) {
        r.next();
        if (!r.getBoolean(1)) {
          primaries.add(port);
        }
      } catch (Exception e) {
        // Not reachable: not a primary anyone can write to.
      }
    }
    return primaries;
  }
}
