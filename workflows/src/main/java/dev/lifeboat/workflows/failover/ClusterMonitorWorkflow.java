package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.MonitorStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Watches a cluster: every {@code health.interval} it probes every node from each vantage point
 * (every region that holds a node when none are configured). A probe that never came back is
 * unknown, never a failure. A node is DOWN after {@code health.failuresBeforeDown} consecutive
 * failures seen from a quorum of vantage points. When the primary is DOWN and automatic failover is
 * on and not paused, it starts {@code FailoverWorkflow} (id {@code failover-<cluster>}) with the
 * measured first-failure time, so the failover's RTO counts detection; when the primary is down
 * only where probes came back, too few for a quorum, or no node has answered as primary, the
 * failover it starts waits for an approval. A node that answers as primary on an older timeline
 * than the current primary's (a demoted primary restarted) is stopped every time it comes back.
 *
 * <p>One long-running workflow, not one per probe; it continues as new before its history grows
 * large, carrying its state.
 */
@WorkflowInterface
public interface ClusterMonitorWorkflow {

  /** The workflow id of a cluster's monitor. */
  static String workflowId(String cluster) {
    return "monitor-" + cluster;
  }

  /**
   * Watches until cancelled or terminated.
   *
   * @param request the cluster, and the state of the previous run
   */
  @WorkflowMethod
  void monitor(MonitorRequest request);

  /** Each node's health, the primary, and whether failover is paused. */
  @QueryMethod
  MonitorStatus status();

  /**
   * Pauses automatic failover (probing goes on), for maintenance.
   *
   * @param reason why, and who; shown by the status
   * @return the new state, in words
   */
  @UpdateMethod
  String pause(String reason);

  /**
   * Resumes automatic failover.
   *
   * @return the new state, in words
   */
  @UpdateMethod
  String resume();
}
