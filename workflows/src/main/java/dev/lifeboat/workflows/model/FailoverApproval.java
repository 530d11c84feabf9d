package dev.lifeboat.workflows.model;

/**
 * An operator's decision on a failover that would lose more than the RPO budget.
 *
 * @param approver who decides, for the audit record
 * @param approve true to promote and accept the loss, false to reject (the fencing is undone)
 * @param acceptedLossBytes the loss the approver accepts; it must cover the estimate the workflow
 *     shows, so nobody approves a loss they did not see
 * @param comment why
 */
public record FailoverApproval(
    String approver, boolean approve, long acceptedLossBytes, String comment) {}
