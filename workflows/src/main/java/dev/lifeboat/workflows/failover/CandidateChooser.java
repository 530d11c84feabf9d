package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the standby to promote: reachable standbys of the cluster, not further behind the old
 * primary's last known LSN than the policy's lag limit, highest received LSN first (it loses the
 * least), then highest priority.
 */
public final class CandidateChooser {

  /** A standby and how far behind it is. */
  public record Candidate(NodeSpec node, NodeProbe probe, long lagBytes) {}

  private CandidateChooser() {}

  /**
   * Returns the best candidate, or empty when no standby qualifies.
   *
   * @param spec the cluster
   * @param probes the latest probe of every node
   * @param oldPrimary the node being replaced
   * @param primaryLsn the old primary's last known LSN, or null
   * @param targetRegion a region the operator asked for, or null
   */
  public static Optional<Candidate> choose(
      ClusterSpec spec,
      List<NodeProbe> probes,
      String oldPrimary,
      String primaryLsn,
      String targetRegion) {
    return candidates(spec, probes, oldPrimary, primaryLsn).stream()
        .filter(c -> targetRegion == null || c.node().region().equals(targetRegion))
        .filter(c -> c.lagBytes() <= spec.failover().maxLagBytes())
        .findFirst();
  }

  /** Every reachable standby, best first, lag not yet filtered. */
  public static List<Candidate> candidates(
      ClusterSpec spec, List<NodeProbe> probes, String oldPrimary, String primaryLsn) {
    return probes.stream()
        .filter(p -> p.reachable() && p.role() == NodeRole.STANDBY)
        .filter(p -> !p.node().equals(oldPrimary))
        .filter(p -> spec.node(p.node()) != null)
        .map(p -> new Candidate(spec.node(p.node()), p, Lsn.distance(received(p), primaryLsn)))
        .sorted(
            Comparator.comparingLong((Candidate c) -> Lsn.positionOrUnknown(received(c.probe())))
                .reversed()
                .thenComparing(
                    Comparator.comparingInt((Candidate c) -> c.node().priority()).reversed())
                .thenComparing(c -> c.node().name()))
        .toList();
  }

  /** What a standby has received (and will replay before promotion ends). */
  static String received(NodeProbe probe) {
    return probe.receiveLsn() != null
            && Lsn.positionOrUnknown(probe.receiveLsn()) > Lsn.positionOrUnknown(probe.lsn())
        ? probe.receiveLsn()
        : probe.lsn();
  }
}
