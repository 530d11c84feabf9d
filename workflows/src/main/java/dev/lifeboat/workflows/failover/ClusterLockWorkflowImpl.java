package dev.lifeboat.workflows.failover;

import io.temporal.workflow.Workflow;

/** See {@link ClusterLockWorkflow}. */
public class ClusterLockWorkflowImpl implements ClusterLockWorkflow {

  private String holder;
  private boolean released;

  @Override
  public void hold(String holder) {
    this.holder = holder;
    // Nothing to do but exist: the lock is the workflow id.
    Workflow.await(() -> released);
  }

  @Override
  public void release() {
    released = true;
  }

  @Override
  public String holder() {
    return holder;
  }
}
