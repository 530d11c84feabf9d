package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What a disaster simulation planned or measured.
 *
 * @param cluster the cluster
 * @param region the failed region
 * @param mode plan or live
 * @param steps what happens (plan) or happened (live), in order
 * @param failedNode the node that failed
 * @param newPrimary the node that took over (expected in a plan)
 * @param expectedRtoMillis detection (interval x failures + probe timeout) plus promotion and
 *     redirect as measured by the cluster's last failover, or 1 s when there was none
 * @param measuredRtoMillis live: from the kill until the new primary took writes and every endpoint
 *     pointed at it; 0 in a plan
 * @param failover the monitor's failover record (live), or null
 * @param failback the failback record (live, when asked), or null
 */
public record SimulationReport(
    String cluster,
    String region,
    String mode,
    List<String> steps,
    String failedNode,
    String newPrimary,
    long expectedRtoMillis,
    long measuredRtoMillis,
    FailoverResult failover,
    FailbackResult failback) {

  public SimulationReport {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
