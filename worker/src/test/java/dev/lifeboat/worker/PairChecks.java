package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the fault tests on a {@link PgPair} ask of the nodes and of Temporal, and how they wait. */
final class PairChecks {

  private PairChecks() {}

  /** A condition polled by {@link #await}; it may throw. */
  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  /** Polls {@code check} every 250 ms; fails naming {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, Check check) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      assertThat(System.nanoTime()).as(what + " within " + timeout).isLessThan(deadline);
      Thread.sleep(250);
    }
  }

  /** Whether the node at {@code port} runs in recovery (a standby, or a demoted primary). */
  static boolean inRecovery(int port) throws Exception {
    try (Connection c = PgPair.superuser(port, "postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_is_in_recovery()")) {
      r.next();
      return r.getBoolean(1);
    }
  }

  /** The ports, of those given, whose nodes answer as primaries. */
  static List<Integer> primaries(int... ports) {
    List<Integer> primaries = new ArrayList<>();
    for (int port : ports) {
      try {
        if (!inRecovery(port)) {
          primaries.add(port);
        }
      } catch (Exception e) {
        // Not reachable: not a primary anyone can write to.
      }
    }
    return primaries;
  }

  /** Terminates a workflow if one of that id runs. */
  static void terminate(WorkflowClient client, String workflowId, String why) {
    try {
      client.newUntypedWorkflowStub(workflowId).terminate(why);
    } catch (RuntimeException notRunning) {
      // Nothing to stop.
    }
  }

  /** Whether the newest run of {@code workflowId} started at or after {@code since} (epoch ms). */
  static boolean startedSince(
      WorkflowServiceStubs service, String namespace, String workflowId, long since) {
    try {
      var described =
          service
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(namespace)
                      .setExecution(
                          WorkflowExecution.newBuilder().setWorkflowId(workflowId).build())
                      .build());
      return described.getWorkflowExecutionInfo().getStartTime().getSeconds() * 1000
          >= since / 1000 * 1000;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  /** Runs {@code scripts/stack.sh ACTION SERVICE} (start, stop or kill of one service). */
  static void stackScript(String action, String service) throws Exception {
    Process p =
        new ProcessBuilder("bash", RealStack.ROOT + "/scripts/stack.sh", action, service)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("stack.sh " + action + " " + service + ": " + out).isZero();
  }
}
