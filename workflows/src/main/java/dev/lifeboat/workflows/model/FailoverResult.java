package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * The audit record of one failover or switchover, also kept in the search attributes and shown by
 * {@code lifeboat failover history}.
 *
 * @param cluster the cluster
 * @param mode failover or switchover
 * @param reason why it ran
 * @param requestedBy who asked
 * @param oldPrimary the node that was primary
 * @param newPrimary the promoted node
 * @param newPrimaryRegion its region
 * @param fencing each fencing layer and what it did
 * @param redirects each traffic endpoint and what it did
 * @param repointed standbys now following the new primary
 * @param estimatedLossBytes WAL the promotion lost at most (old primary's last seen LSN minus the
 *     candidate's received LSN); 0 with synchronous replication to the candidate
 * @param approvedBy who accepted a loss over the budget, or null
 * @param detectionMillis first failed check to DOWN verdict (0 for manual)
 * @param promotionMillis the promotion call until a committed write
 * @param redirectMillis pointing every endpoint at the new primary
 * @param rtoMillis first failed check (or the request) until traffic reached the new primary
 * @param startedAtMillis when the workflow started (epoch ms)
 * @param finishedAtMillis when it finished (epoch ms)
 */
public record FailoverResult(
    String cluster,
    String mode,
    String reason,
    String requestedBy,
    String oldPrimary,
    String newPrimary,
    String newPrimaryRegion,
    List<FenceReport> fencing,
    List<FenceReport> redirects,
    List<String> repointed,
    long estimatedLossBytes,
    String approvedBy,
    long detectionMillis,
    long promotionMillis,
    long redirectMillis,
    long rtoMillis,
    long startedAtMillis,
    long finishedAtMillis) {

  public FailoverResult {
    fencing = fencing == null ? List.of() : List.copyOf(fencing);
    redirects = redirects == null ? List.of() : List.copyOf(redirects);
    repointed = repointed == null ? List.of() : List.copyOf(repointed);
  }
}
