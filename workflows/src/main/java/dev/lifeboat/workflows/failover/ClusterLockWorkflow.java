package dev.lifeboat.workflows.failover;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Holds a cluster's failover lock. It runs under the workflow id of the cluster's failover ({@code
 * failover-<cluster>}), which Temporal gives to one running workflow at a time: while a runbook
 * that fences, promotes or redirects holds it, no {@code FailoverWorkflow} of that cluster can
 * start (the monitor waits, {@code lifeboat failover} is refused), and while a failover runs, such
 * a runbook step cannot take it. It ends with the run that started it (parent close policy
 * TERMINATE), so a crashed or aborted runbook never leaves the cluster locked.
 */
@WorkflowInterface
public interface ClusterLockWorkflow {

  /**
   * Holds the lock until it is released or the parent run closes.
   *
   * @param holder who holds it, for example {@code runbook db-failover-7f3a}
   */
  @WorkflowMethod
  void hold(String holder);

  /** Lets the lock go before the parent closes: the holder is done with the cluster. */
  @SignalMethod
  void release();

  /** Who holds the lock. */
  @QueryMethod
  String holder();
}
