package dev.lifeboat.worker;

import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterMonitorWorkflow;
import dev.lifeboat.workflows.failover.FailbackWorkflow;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.MonitorStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a fault test on a throwaway {@link PgPair} stands on: the pair, a client of the stack's
 * Temporal server, the cluster's monitor, and everything the test starts beside them (workers,
 * clients, samplers, proxies), closed newest first. Whatever an aborted earlier run left under the
 * pair's name (its worker processes, its monitor, failover and failback) is ended first.
 */
final class PairHarness implements AutoCloseable {

  final PgPair pair;
  final StackClient stack;
  final WorkflowClient client;
  private final Deque<AutoCloseable> owned = new ArrayDeque<>();

  private PairHarness(PgPair pair, StackClient stack) {
    this.pair = pair;
    this.stack = stack;
    this.client = stack.client;
  }

  /** Ends leftovers of {@code name}, then creates the pair (see {@link PgPair#up}). */
  static PairHarness up(String name, int east, int west, int bouncer, boolean synchronous)
      throws Exception {
    new ProcessBuilder("pkill", "-f", "lifeboat-worker.jar .*/" + name + "(-east|-west)?\\.yaml")
        .start()
        .waitFor();
    StackClient stack =
        StackClient.connect(
            ClusterMonitorWorkflow.workflowId(name),
            FailoverWorkflow.workflowId(name),
            FailbackWorkflow.workflowId(name));
    try {
      return new PairHarness(PgPair.up(name, east, west, bouncer, synchronous), stack);
    } catch (Exception e) {
      stack.close();
      throw e;
    }
  }

  /** Closes {@code resource} with the harness, before everything owned earlier. */
  <T extends AutoCloseable> T own(T resource) {
    owned.push(resource);
    return resource;
  }

  /** Starts the pair's cluster monitor. */
  void startMonitor() {
    WorkflowClient.start(
        client.newWorkflowStub(
                ClusterMonitorWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(ClusterMonitorWorkflow.workflowId(pair.name))
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .build())
            ::monitor,
        new MonitorRequest(pair.name));
  }

  /** The monitor's view of the pair. */
  MonitorStatus monitorStatus() {
    return client
        .newWorkflowStub(ClusterMonitorWorkflow.class, ClusterMonitorWorkflow.workflowId(pair.name))
        .status();
  }

  /** The node the monitor takes as primary, or null while it does not answer yet. */
  String primary() {
    try {
      return monitorStatus().primary();
    } catch (RuntimeException notYet) {
      return null;
    }
  }

  /** Closes what the test owns, newest first, then the client and the pair, whatever fails. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!owned.isEmpty()) {
      try {
        owned.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    try {
      stack.close();
    } finally {
      pair.close();
    }
    if (first != null) {
      throw first;
    }
  }
}
