package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverProgress;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Replaces a cluster's primary: a saga that fences the old primary in layers (traffic held, writes
 * refused, server stopped; each best effort and recorded), chooses the standby with the highest
 * replay LSN (then priority), estimates the data the promotion would lose, promotes on its own
 * inside the RPO budget or waits for an approval Update beyond it, promotes, redirects every
 * traffic endpoint and repoints the other standbys. Each forward step registers its compensation
 * first; until the promotion, a rejection or failure undoes the fencing.
 *
 * <p>Its workflow id is {@code failover-<cluster>}, so two failovers of one cluster never run at
 * once: a second start is refused by Temporal with the running one's id.
 */
@WorkflowInterface
public interface FailoverWorkflow {

  /** The workflow id of a cluster's failover. */
  static String workflowId(String cluster) {
    return "failover-" + cluster;
  }

  /**
   * Runs the failover or switchover.
   *
   * @param request what to fail over and why
   * @return the audit record
   */
  @WorkflowMethod
  FailoverResult failover(FailoverRequest request);

  /** Where the failover is now. */
  @QueryMethod
  FailoverProgress progress();

  /**
   * Approves or rejects a promotion that would lose more than the RPO budget. Refused when the
   * failover is not waiting for approval or when an approval accepts less than the estimate.
   *
   * @param approval the decision
   * @return what the workflow does now
   */
  @UpdateMethod
  String decide(FailoverApproval approval);

  /** Checks a decision before it is written to history. */
  @UpdateValidatorMethod(updateName = "decide")
  void validateDecision(FailoverApproval approval);
}
