package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.FailbackRequest;
import dev.lifeboat.workflows.model.FailbackResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Makes a cluster whole after a failover: every node that neither is the primary nor streams from
 * it (an old primary that came back, a standby that lost its way) is fenced if it answers as a
 * primary, then rejoined as a standby with {@code pg_rewind} or a fresh base backup. Optionally
 * hands the primary role back to the preferred node with a switchover ({@code FailoverWorkflow} as
 * a child, so it shares the one-failover-per-cluster id).
 */
@WorkflowInterface
public interface FailbackWorkflow {

  /** The workflow id of a cluster's failback. */
  static String workflowId(String cluster) {
    return "failback-" + cluster;
  }

  /**
   * Rejoins the strays and optionally switches back.
   *
   * @param request the cluster and whether to switch back
   * @return what was done
   */
  @WorkflowMethod
  FailbackResult failback(FailbackRequest request);
}
