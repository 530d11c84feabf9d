package dev.lifeboat.workflows.model;

/**
 * When Lifeboat may promote a standby by itself (lifeboat.yaml {@code clusters.<name>.failover}).
 *
 * @param automatic whether the monitor starts a failover when the primary is judged DOWN
 * @param rpoBudgetBytes the most WAL, in bytes, an automatic promotion may lose; beyond it the
 *     failover waits for an operator's approval
 * @param rpoBudgetSeconds the most time of commits an automatic promotion may lose
 * @param maxLagBytes standbys further behind than this are not candidates at all
 * @param escalateAfterSeconds how long a failover waits for approval before it escalates (an alert
 *     and the outcome {@code awaiting-approval-escalated})
 * @param approvalTimeoutSeconds how long it waits for approval in all before it gives up and undoes
 *     its fencing
 */
public record FailoverPolicy(
    boolean automatic,
    long rpoBudgetBytes,
    long rpoBudgetSeconds,
    long maxLagBytes,
    long escalateAfterSeconds,
    long approvalTimeoutSeconds) {

  /** The policy used when lifeboat.yaml gives none: automatic, no data loss without approval. */
  public static FailoverPolicy defaults() {
    return new FailoverPolicy(true, 0, 0, 1L << 30, 300, 3600);
  }
}
