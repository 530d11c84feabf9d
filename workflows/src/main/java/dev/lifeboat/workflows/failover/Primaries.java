package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which node is the primary. A demoted primary restarted by an init system still answers as a
 * primary, but on an older timeline: the reachable primary on the newest timeline is the real one.
 */
final class Primaries {

  private Primaries() {}

  /** The reachable primary on the newest timeline, if any node answers as primary. */
  static Optional<NodeProbe> newest(List<NodeProbe> probes) {
    return probes.stream()
        .filter(p -> p.reachable() && p.role() == NodeRole.PRIMARY)
        .max(Comparator.comparingLong(NodeProbe::timeline));
  }
}
