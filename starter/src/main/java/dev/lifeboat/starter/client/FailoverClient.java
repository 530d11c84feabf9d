package dev.lifeboat.starter.client;

import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterMonitorWorkflow;
import dev.lifeboat.workflows.failover.DisasterSimulationWorkflow;
import dev.lifeboat.workflows.failover.FailbackWorkflow;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailbackRequest;
import dev.lifeboat.workflows.model.FailbackResult;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverProgress;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.MonitorStatus;
import dev.lifeboat.workflows.model.SimulationReport;
import dev.lifeboat.workflows.model.SimulationRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The Java API of failovers: manual failover and switchover to a region, failback, approval of a
 * failover waiting for one, the progress of a running failover and the history of finished ones.
 */
public final class FailoverClient {

  private final WorkflowClient client;

  /** How long {@code monitor stop} waits for the run to close. */
  private static final Duration MONITOR_STOP_WAIT = Duration.ofSeconds(60);

  public FailoverClient(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Fails over (or switches over) to a region and waits for the result, telling {@code onStep} each
   * step the failover enters (an approval it waits for, with why). Refused by Temporal with {@code
   * WorkflowExecutionAlreadyStarted} while another failover of the cluster runs.
   *
   * @param oldPrimary the primary being replaced when it is already gone and the cluster has more
   *     than one node that does not answer as a standby; null to let the workflow find it
   */
  public FailoverResult manualFailover(
      String cluster,
      String region,
      String oldPrimary,
      String mode,
      String reason,
      String requestedBy,
      Consumer<FailoverProgress> onStep) {
    FailoverWorkflow workflow =
        client.newWorkflowStub(
            FailoverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FailoverWorkflow.workflowId(cluster))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofHours(6))
                .build());
    WorkflowClient.start(
        workflow::failover,
        FailoverRequest.manual(cluster, mode, region, oldPrimary, reason, requestedBy));
    CompletableFuture<FailoverResult> result =
        WorkflowStub.fromTyped(workflow).getResultAsync(FailoverResult.class);
    String lastStep = null;
    while (true) {
      try {
        return result.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        FailoverProgress now = progress(cluster).orElse(null);
        if (now != null && !now.step().equals(lastStep)) {
          lastStep = now.step();
          onStep.accept(now);
        }
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the failover", e);
      }
    }
  }

  /** Rejoins old primaries as standbys and, if asked, switches back to the preferred node. */
  public FailbackResult failback(String cluster, boolean switchBack, String requestedBy) {
    return client
        .newWorkflowStub(
            FailbackWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FailbackWorkflow.workflowId(cluster))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofHours(6))
                .build())
        .failback(new FailbackRequest(cluster, switchBack, requestedBy));
  }

  /** The progress of the cluster's running failover, if one runs. */
  public Optional<FailoverProgress> progress(String cluster) {
    try {
      return Optional.of(
          client
              .newWorkflowStub(FailoverWorkflow.class, FailoverWorkflow.workflowId(cluster))
              .progress());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Approves or rejects the cluster's running failover that waits for approval. */
  public String decide(String cluster, FailoverApproval approval) {
    return client
        .newWorkflowStub(FailoverWorkflow.class, FailoverWorkflow.workflowId(cluster))
        .decide(approval);
  }

  /** Finished failovers of a cluster, newest first, with their audit records. */
  public List<FailoverResult> history(String cluster, int limit) {
    String query =
        "WorkflowType='FailoverWorkflow' AND DrCluster='"
            + cluster.replace("'", "")
            + "' AND ExecutionStatus='Completed'";
    var response =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .listWorkflowExecutions(
                ListWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(client.getOptions().getNamespace())
                    .setQuery(query)
                    .setPageSize(limit)
                    .build());
    List<FailoverResult> results = new ArrayList<>();
    for (var info : response.getExecutionsList()) {
      results.add(
          client
              .newUntypedWorkflowStub(
                  info.getExecution().getWorkflowId(),
                  Optional.of(info.getExecution().getRunId()),
                  Optional.empty())
              .getResult(FailoverResult.class));
    }
    return results;
  }

  /** Plans or runs a disaster simulation and waits for its report. */
  public SimulationReport simulateDisaster(SimulationRequest request) {
    return client
        .newWorkflowStub(
            DisasterSimulationWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(DisasterSimulationWorkflow.workflowId(request.cluster()))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofHours(1))
                .build())
        .simulate(request);
  }

  /**
   * The cluster's failover status as the issue's {@code getStatus()} names it.
   *
   * @param primary the node the monitor takes as primary, or null without a monitor
   * @param primaryRegion its region
   * @param monitor the monitor's full view, or null when no monitor runs
   * @param lastFailover the newest finished failover or switchover, or null
   */
  public record Status(
      String primary, String primaryRegion, MonitorStatus monitor, FailoverResult lastFailover) {}

  /** The current primary (from the monitor), its region, and the last failover with its reason. */
  public Status getStatus(String cluster) {
    MonitorStatus monitor = monitorOrNull(cluster);
    List<FailoverResult> last = history(cluster, 1);
    FailoverResult lastFailover = last.isEmpty() ? null : last.get(0);
    String primary = monitor != null ? monitor.primary() : null;
    String region =
        monitor == null
            ? null
            : monitor.nodes().stream()
                .filter(n -> n.node().equals(monitor.primary()))
                .map(n -> n.region())
                .findFirst()
                .orElse(null);
    return new Status(primary, region, monitor, lastFailover);
  }

  private MonitorStatus monitorOrNull(String cluster) {
    try {
      return monitorStatus(cluster);
    } catch (RuntimeException e) {
      // No monitor has run for this cluster.
      return null;
    }
  }

  /** Starts the cluster's monitor; says so when it already runs. */
  public String startMonitor(String cluster) {
    ClusterMonitorWorkflow monitor =
        client.newWorkflowStub(
            ClusterMonitorWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ClusterMonitorWorkflow.workflowId(cluster))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .build());
    try {
      WorkflowClient.start(monitor::monitor, new MonitorRequest(cluster));
      return "monitor of " + cluster + " started: " + ClusterMonitorWorkflow.workflowId(cluster);
    } catch (WorkflowExecutionAlreadyStarted e) {
      return "monitor of "
          + cluster
          + " runs already: "
          + ClusterMonitorWorkflow.workflowId(cluster);
    }
  }

  /** The monitor's view of the cluster. */
  public MonitorStatus monitorStatus(String cluster) {
    return monitor(cluster).status();
  }

  /** Pauses automatic failover; probing goes on. */
  public String pauseMonitor(String cluster, String reason) {
    return monitor(cluster).pause(reason);
  }

  /** Resumes automatic failover. */
  public String resumeMonitor(String cluster) {
    return monitor(cluster).resume();
  }

  /**
   * Stops the monitor: cancels its workflow and returns once the run has closed, so a {@code
   * monitor start} right after it starts a new one instead of finding the closing run.
   */
  public String stopMonitor(String cluster) {
    WorkflowStub stub = WorkflowStub.fromTyped(monitor(cluster));
    stub.cancel();
    try {
      stub.getResult(MONITOR_STOP_WAIT.toSeconds(), TimeUnit.SECONDS, Void.class);
    } catch (WorkflowFailedException closed) {
      // Cancelled: the run has closed, which is what stop waits for.
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the monitor of "
              + cluster
              + " was asked to stop but its run has not closed after "
              + MONITOR_STOP_WAIT.toSeconds()
              + " s; is a worker polling the "
              + TaskQueues.ORCHESTRATION
              + " task queue? Check with 'temporal workflow describe -w "
              + ClusterMonitorWorkflow.workflowId(cluster)
              + "'",
          e);
    }
    return "monitor of " + cluster + " stopped";
  }

  private ClusterMonitorWorkflow monitor(String cluster) {
    return client.newWorkflowStub(
        ClusterMonitorWorkflow.class, ClusterMonitorWorkflow.workflowId(cluster));
  }
}
