package dev.lifeboat.workflows.model;

/**
 * Input of {@code FailoverWorkflow} (workflow id {@code failover-<cluster>}). As JSON, a manual
 * failover to a region: {@code {"cluster":"shop","mode":"failover","targetRegion":"tokyo",
 * "reason":"sydney is down"}}.
 *
 * @param cluster the cluster
 * @param mode {@value #FAILOVER} (the primary is lost: fence it, promote) or {@value #SWITCHOVER}
 *     (planned: stop writes, wait until the candidate has replayed everything, promote, redirect,
 *     and rejoin the old primary as a standby; no data loss)
 * @param targetRegion the region to promote in, or null to choose the best standby
 * @param reason why, for the audit record
 * @param requestedBy who or what asked: an operator's name, or {@code monitor}
 * @param oldPrimary the primary that failed, as the monitor last saw it; null when not known
 * @param lastPrimaryLsn the old primary's last LSN the monitor saw, for the data-loss estimate
 * @param firstFailureAtMillis when the monitor saw the primary's first failed check (epoch ms), 0
 *     for a manual request; the RTO is measured from it
 * @param verdictAtMillis when the monitor judged the primary DOWN (epoch ms), 0 for manual
 * @param approvalNeededBecause when set, the promotion waits for an approval whatever the estimated
 *     loss, and this says why (for example: the primary's loss could not be confirmed by a quorum
 *     of vantage points); null otherwise
 */
public record FailoverRequest(
    String cluster,
    String mode,
    String targetRegion,
    String reason,
    String requestedBy,
    String oldPrimary,
    String lastPrimaryLsn,
    long firstFailureAtMillis,
    long verdictAtMillis,
    String approvalNeededBecause) {

  /** The primary is lost. */
  public static final String FAILOVER = "failover";

  /** A planned change of primary with no data loss. */
  public static final String SWITCHOVER = "switchover";

  /** A manual request by an operator. */
  public static FailoverRequest manual(
      String cluster, String mode, String targetRegion, String reason, String requestedBy) {
    return manual(cluster, mode, targetRegion, null, reason, requestedBy);
  }

  /**
   * A manual request naming the old primary, for a primary that is already gone: the workflow then
   * need not find it.
   */
  public static FailoverRequest manual(
      String cluster,
      String mode,
      String targetRegion,
      String oldPrimary,
      String reason,
      String requestedBy) {
    return new FailoverRequest(
        cluster, mode, targetRegion, reason, requestedBy, oldPrimary, null, 0, 0, null);
  }
}
