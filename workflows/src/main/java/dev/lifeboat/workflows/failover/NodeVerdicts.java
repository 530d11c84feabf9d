package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.MonitoredNode;
import dev.lifeboat.workflows.model.NodeProbe;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns rounds of probes taken from several vantage points into one verdict per node. A node is
 * {@value MonitoredNode#DOWN} only when a quorum of vantage points each saw it fail the configured
 * number of consecutive probes. A probe that never came back (the vantage point's worker is gone)
 * is no evidence either way: it resets that vantage point's count, so one lost worker can never
 * make a healthy node look down.
 *
 * <p>Pure logic on the monitor's state, so it is deterministic in workflow code.
 */
final class NodeVerdicts {

  private final int failuresBeforeDown;
  private final int quorum;
  private final boolean unknownIsFailure;
  private final Map<String, Integer> failures;

  /**
   * @param failuresBeforeDown consecutive failed probes from one vantage point that count as its
   *     vote for down
   * @param quorum how many vantage points must vote down
   * @param unknownIsFailure how monitors started before quorum rules judged a lost probe; false for
   *     every new run
   * @param failures the monitor's counts per {@code vantage/node}, updated in place
   */
  NodeVerdicts(
      int failuresBeforeDown, int quorum, boolean unknownIsFailure, Map<String, Integer> failures) {
    this.failuresBeforeDown = failuresBeforeDown;
    this.quorum = quorum;
    this.unknownIsFailure = unknownIsFailure;
    this.failures = failures;
  }

  /** Counts one round: a failure seen adds one, a node reached or a probe lost resets. */
  void record(Map<String, List<NodeProbe>> seen) {
    seen.forEach(
        (vantage, probes) -> {
          for (NodeProbe probe : probes) {
            String key = vantage + "/" + probe.node();
            if (probe.seenDown() || (probe.unknown() && unknownIsFailure)) {
              failures.merge(key, 1, Integer::sum);
            } else {
              failures.remove(key);
            }
          }
        });
  }

  /**
   * The count of consecutive failures that a quorum of vantage points agrees on: the quorum-largest
   * of their counts. The node is down when it reaches {@code failuresBeforeDown}.
   */
  int agreedFailures(Map<String, List<NodeProbe>> seen, String node) {
    List<Integer> counts = new ArrayList<>();
    for (String vantage : seen.keySet()) {
      counts.add(failures.getOrDefault(vantage + "/" + node, 0));
    }
    counts.sort(Comparator.reverseOrder());
    return counts.size() < quorum ? 0 : counts.get(quorum - 1);
  }

  /** Whether any vantage point counts a failure of the node. */
  boolean anyFailure(Map<String, List<NodeProbe>> seen, String node) {
    return seen.keySet().stream().anyMatch(v -> failures.getOrDefault(v + "/" + node, 0) > 0);
  }

  /** The node's verdict after this round; see {@link MonitoredNode#verdict()}. */
  String verdict(Map<String, List<NodeProbe>> seen, String node) {
    if (agreedFailures(seen, node) >= failuresBeforeDown) {
      return MonitoredNode.DOWN;
    }
    int reached = 0;
    int answered = 0;
    int votesDown = 0;
    for (Map.Entry<String, List<NodeProbe>> entry : seen.entrySet()) {
      NodeProbe probe = of(entry.getValue(), node);
      if (probe == null || (probe.unknown() && !unknownIsFailure)) {
        continue;
      }
      answered++;
      if (probe.reachable()) {
        reached++;
      }
      if (failures.getOrDefault(entry.getKey() + "/" + node, 0) >= failuresBeforeDown) {
        votesDown++;
      }
    }
    if (answered == 0) {
      return MonitoredNode.UNKNOWN;
    }
    if (reached == 0 && votesDown == answered) {
      // Down wherever it could be seen, but too few vantage points answered to tell a crash
      // from a partition.
      return MonitoredNode.UNCONFIRMED;
    }
    return reached == answered && !anyFailure(seen, node)
        ? MonitoredNode.UP
        : MonitoredNode.SUSPECT;
  }

  /** The vantage points whose probe of the node never came back. */
  static List<String> silentVantages(Map<String, List<NodeProbe>> seen, String node) {
    List<String> silent = new ArrayList<>();
    seen.forEach(
        (vantage, probes) -> {
          NodeProbe probe = of(probes, node);
          if (probe == null || probe.unknown()) {
            silent.add(vantage);
          }
        });
    return silent;
  }

  private static NodeProbe of(List<NodeProbe> probes, String node) {
    for (NodeProbe p : probes) {
      if (p.node().equals(node)) {
        return p;
      }
    }
    return null;
  }
}
