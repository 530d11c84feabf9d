package dev.lifeboat.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * The result of a cluster health check: who is primary, and each node's role, LSN and lag.
 *
 * @param cluster cluster name
 * @param checkedAt workflow time at which the probes were started
 * @param verdict the overall state
 * @param primary the name of the single primary, or null when there is none or more than one
 * @param nodes one entry per configured node, in configuration order
 */
public record ClusterTopology(
    String cluster,
    Instant checkedAt,
    ClusterVerdict verdict,
    String primary,
    List<NodeHealth> nodes) {

  public ClusterTopology {
    nodes = List.copyOf(nodes);
  }
}
