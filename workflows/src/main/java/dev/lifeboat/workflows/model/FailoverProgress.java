package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * Where a running failover is, for {@code lifeboat failover status} and the Web UI.
 *
 * @param cluster the cluster
 * @param step the current step: {@code inspecting}, {@code fencing}, {@code choosing}, {@code
 *     awaiting-approval}, {@code catching-up}, {@code promoting}, {@code redirecting}, {@code
 *     repointing}, {@code rejoining}, {@code compensating}, {@code done}
 * @param oldPrimary the node being replaced
 * @param candidate the chosen standby, once chosen
 * @param estimatedLossBytes WAL the promotion would lose, once computed
 * @param budgetBytes the RPO budget it is compared with
 * @param fencing what fencing did so far
 * @param approvalNeededBecause why the failover waits for an approval (the loss beyond the budget,
 *     a fence that did not hold, a primary whose loss a quorum could not confirm); null otherwise
 */
public record FailoverProgress(
    String cluster,
    String step,
    String oldPrimary,
    String candidate,
    long estimatedLossBytes,
    long budgetBytes,
    List<FenceReport> fencing,
    String approvalNeededBecause) {

  public FailoverProgress {
    fencing = fencing == null ? List.of() : List.copyOf(fencing);
  }
}
