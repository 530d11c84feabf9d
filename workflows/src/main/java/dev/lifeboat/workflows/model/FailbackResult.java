package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What a failback did.
 *
 * @param cluster the cluster
 * @param primary the primary the others now follow
 * @param rejoined each node brought back as a standby and how
 * @param switchback the switchover back to the preferred node, or null when none ran
 */
public record FailbackResult(
    String cluster, String primary, List<RejoinResult> rejoined, FailoverResult switchback) {

  public FailbackResult {
    rejoined = rejoined == null ? List.of() : List.copyOf(rejoined);
  }
}
