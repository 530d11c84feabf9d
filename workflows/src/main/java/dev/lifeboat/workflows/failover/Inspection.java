package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a failover saw of the cluster when it began: every node as probed from each vantage point.
 * It answers the two questions a safe promotion asks: which node is the old primary, and did a
 * quorum of vantage points see it gone (a probe that never came back is no vote).
 */
final class Inspection {

  private final List<String> nodes;
  private final Map<String, List<NodeProbe>> byVantage;

  private Inspection(List<String> nodes, Map<String, List<NodeProbe>> byVantage) {
    this.nodes = nodes;
    this.byVantage = byVantage;
  }

  /** The probes of every node from each vantage point. */
  static Inspection of(ClusterSpec spec, Map<String, List<NodeProbe>> byVantage) {
    return new Inspection(spec.nodes().stream().map(NodeSpec::name).toList(), byVantage);
  }

  /** Each node probed from its own region only, as failovers started before quorum rules did. */
  static Inspection ownRegions(List<NodeProbe> probes) {
    Map<String, List<NodeProbe>> one = new LinkedHashMap<>();
    one.put("", probes);
    return new Inspection(probes.stream().map(NodeProbe::node).toList(), one);
  }

  /** One probe per node: the first that reached it, else the first that saw it down, else any. */
  List<NodeProbe> merged() {
    List<NodeProbe> out = new ArrayList<>();
    for (String node : nodes) {
      NodeProbe best = null;
      for (List<NodeProbe> view : byVantage.values()) {
        NodeProbe p = of(view, node);
        if (p != null && (best == null || rank(p) > rank(best))) {
          best = p;
        }
      }
      out.add(best);
    }
    return out;
  }

  /** Whether a quorum of vantage points saw the node unreachable and none reached it. */
  boolean downByQuorum(String node) {
    int down = 0;
    for (List<NodeProbe> view : byVantage.values()) {
      NodeProbe p = of(view, node);
      if (p != null && p.reachable()) {
        return false;
      }
      if (p != null && p.seenDown()) {
        down++;
      }
    }
    return down >= RegionalProbes.quorum(byVantage.size());
  }

  /** Nodes that no vantage point reaches as a standby. */
  List<String> notStandbys() {
    return nodes.stream().filter(n -> !answersAsStandby(n)).toList();
  }

  /** Whether some vantage point reaches the node as a standby. */
  boolean answersAsStandby(String node) {
    return byVantage.values().stream()
        .map(view -> of(view, node))
        .anyMatch(p -> p != null && p.reachable() && p.role() == NodeRole.STANDBY);
  }

  List<String> nodeNames() {
    return nodes;
  }

  /** What each vantage point saw of the node, for the approver. */
  String describe(String node) {
    List<String> parts = new ArrayList<>();
    byVantage.forEach(
        (vantage, view) -> {
          NodeProbe p = of(view, node);
          String what =
              p == null
                  ? "not probed"
                  : p.reachable() ? "reached" : p.unknown() ? "no answer" : "unreachable";
          parts.add((vantage.isEmpty() ? "own region" : vantage) + ": " + what);
        });
    return String.join(", ", parts);
  }

  private static int rank(NodeProbe p) {
    return p.reachable() ? 2 : p.seenDown() ? 1 : 0;
  }

  private static NodeProbe of(List<NodeProbe> view, String node) {
    for (NodeProbe p : view) {
      if (p.node().equals(node)) {
        return p;
      }
    }
    return null;
  }
}
