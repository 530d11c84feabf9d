package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What a failover saw of the cluster when it began: every node as probed from each vantage point.
 * It answers the two questions a safe promotion asks: which node is the old primary, and did a
 * quorum of vantage points see it gone (a probe that never came back is no vote).
 */
final class Inspection {

  private static final Logger log = Workflow.getLogger(Inspection.class);

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

  /**
   * The node being replaced: the live primary on the newest timeline; else the node the request
   * names; else the one node that no vantage point reaches as a standby (a primary that is already
   * gone). A named node that answers as a standby is refused.
   */
  NodeSpec oldPrimary(ClusterSpec spec, FailoverRequest request) {
    String cluster = spec.name();
    NodeProbe live = Primaries.newest(merged()).orElse(null);
    if (live != null && request.oldPrimary() != null && !live.node().equals(request.oldPrimary())) {
      // A request to replace one node must never fence another that answers as the primary: the
      // requester's view (a monitor's, say) is out of date.
      throw ApplicationFailure.newNonRetryableFailure(
          "the request replaces "
              + request.oldPrimary()
              + ", but "
              + live.node()
              + " answers as the primary (timeline "
              + live.timeline()
              + "); nothing was fenced",
          ErrorTypes.BAD_FAILOVER_TARGET);
    }
    String name = live != null ? live.node() : request.oldPrimary();
    if (name == null) {
      List<String> notStandbys = notStandbys();
      if (notStandbys.size() != 1) {
        throw ApplicationFailure.newNonRetryableFailure(
            "no node of "
                + cluster
                + " answers as primary, and "
                + (notStandbys.isEmpty()
                    ? "every node answers as a standby"
                    : notStandbys + " do not answer as standbys")
                + ": name the old primary (lifeboat failover --from NODE)",
            ErrorTypes.INVALID_REQUEST);
      }
      name = notStandbys.get(0);
      log.warn("no node of {} answers as primary; {} is the one that is gone", cluster, name);
    }
    NodeSpec node = spec.node(name);
    if (node == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster " + cluster + " has no node " + name + "; its nodes are " + nodeNames(),
          ErrorTypes.INVALID_REQUEST);
    }
    if (live == null && answersAsStandby(name)) {
      throw ApplicationFailure.newNonRetryableFailure(
          name + " answers as a standby, so it is not the old primary of " + cluster,
          ErrorTypes.INVALID_REQUEST);
    }
    return node;
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
