package dev.lifeboat.workflows.health;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeHealth;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.ReplicationPeer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Turns one round of probes into a topology and a verdict. Pure and deterministic, so the workflow
 * can call it and unit tests can cover every case without Temporal.
 */
public final class TopologyAssessor {

  private TopologyAssessor() {}

  /**
   * Judges a round of probes.
   *
   * @param spec the configured cluster
   * @param checkedAt when the round started
   * @param probes one probe per node, in the order of {@code spec.nodes()}
   * @return the topology with lag computed against the single primary, if there is one
   */
  public static ClusterTopology assess(
      ClusterSpec spec, Instant checkedAt, List<NodeProbe> probes) {
    List<NodeProbe> primaries =
        probes.stream().filter(p -> p.reachable() && p.role() == NodeRole.PRIMARY).toList();
    NodeProbe primary = primaries.size() == 1 ? primaries.get(0) : null;

    List<NodeHealth> nodes = probes.stream().map(p -> health(p, primary)).toList();

    ClusterVerdict verdict;
    if (primaries.size() > 1) {
      verdict = ClusterVerdict.SPLIT_BRAIN;
    } else if (primary == null) {
      verdict = ClusterVerdict.NO_PRIMARY;
    } else if (nodes.stream()
        .allMatch(n -> n.reachable() && !Boolean.FALSE.equals(n.streaming()))) {
      verdict = ClusterVerdict.HEALTHY;
    } else {
      verdict = ClusterVerdict.DEGRADED;
    }
    return new ClusterTopology(
        spec.name(), checkedAt, verdict, primary == null ? null : primary.node(), nodes);
  }

  private static NodeHealth health(NodeProbe probe, NodeProbe primary) {
    if (!probe.reachable()) {
      return new NodeHealth(
          probe.node(),
          probe.region(),
          NodeRole.UNKNOWN,
          false,
          null,
          null,
          null,
          null,
          probe.latencyMillis(),
          probe.error());
    }
    if (probe.role() == NodeRole.PRIMARY || primary == null) {
      return new NodeHealth(
          probe.node(),
          probe.region(),
          probe.role(),
          true,
          probe.lsn(),
          null,
          null,
          null,
          probe.latencyMillis(),
          null);
    }
    Optional<ReplicationPeer> peer =
        primary.replicas().stream()
            .filter(r -> probe.node().equals(r.applicationName()))
            .findFirst();
    Long lagBytes = lagBytes(primary.lsn(), probe.lsn());
    Double lagSeconds = peer.map(r -> lagSeconds(r, lagBytes)).orElse(null);
    boolean streaming = peer.map(r -> "streaming".equals(r.state())).orElse(false);
    return new NodeHealth(
        probe.node(),
        probe.region(),
        probe.role(),
        true,
        probe.lsn(),
        lagBytes,
        lagSeconds,
        streaming,
        probe.latencyMillis(),
        null);
  }

  private static Long lagBytes(String primaryLsn, String standbyLsn) {
    if (primaryLsn == null || standbyLsn == null) {
      return null;
    }
    return Math.max(0, Lsn.parse(primaryLsn) - Lsn.parse(standbyLsn));
  }

  /**
   * PostgreSQL clears {@code replay_lag} once an idle standby has caught up; a standby with no
   * bytes outstanding is then 0 seconds behind, while one with bytes outstanding has an unknown
   * time lag.
   */
  private static Double lagSeconds(ReplicationPeer peer, Long lagBytes) {
    if (peer.replayLagSeconds() != null) {
      return peer.replayLagSeconds();
    }
    return lagBytes != null && lagBytes == 0 ? 0.0 : null;
  }
}
