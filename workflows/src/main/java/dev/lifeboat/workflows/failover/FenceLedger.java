package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.failure.ActivityFailure;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a failover's fencing did, layer by layer, and whether it adds up to a fence that held.
 * Deterministic: it only records the results of activities the workflow ran.
 */
final class FenceLedger {

  private final List<FenceReport> fencing = new ArrayList<>();
  private final Map<String, FenceReport> holds = new HashMap<>();

  /** Every layer's report so far, in order. */
  List<FenceReport> reports() {
    return fencing;
  }

  /** Records a layer that was not attempted or not possible. */
  void add(FenceReport report) {
    fencing.add(report);
  }

  /** Runs one fencing step; a step whose activity failed is recorded as not done, with why. */
  FenceReport attempt(String layer, Supplier<FenceReport> action) {
    FenceReport report;
    try {
      report = action.get();
    } catch (ActivityFailure e) {
      String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      report = new FenceReport(layer, false, "did not answer: " + why);
    }
    fencing.add(report);
    return report;
  }

  /** Runs the hold of one traffic endpoint, remembered by the endpoint's name. */
  void hold(TrafficEndpoint endpoint, Supplier<FenceReport> action) {
    holds.put(endpoint.name(), attempt("traffic " + endpoint.name(), action));
  }

  /**
   * Why the old primary is not proven fenced, or null when it is: its server was stopped (or found
   * not running) by its own host's worker, or a quorum of vantage points saw it unreachable and
   * none reached it; and every traffic endpoint was paused.
   */
  String unheld(ClusterSpec spec, NodeSpec oldPrimary, Inspection seen) {
    List<String> gaps = new ArrayList<>();
    if (!serverStopped(oldPrimary) && !seen.downByQuorum(oldPrimary.name())) {
      gaps.add(
          oldPrimary.name()
              + " was neither stopped ("
              + detail("server " + oldPrimary.name())
              + ") nor seen unreachable by a quorum of vantage points ("
              + seen.describe(oldPrimary.name())
              + ")");
    }
    for (TrafficEndpoint endpoint : spec.traffic()) {
      if (TrafficEndpoint.FILE.equals(endpoint.type())) {
        // A file routes no client by itself: its readers see it only once it is rewritten.
        continue;
      }
      FenceReport hold = holds.get(endpoint.name());
      if (hold == null || !hold.done()) {
        gaps.add(
            "endpoint "
                + endpoint.name()
                + " was not paused ("
                + (hold == null ? "not attempted" : hold.detail())
                + ")");
      }
    }
    return gaps.isEmpty()
        ? null
        : "the fence of the old primary did not hold: " + String.join("; ", gaps);
  }

  boolean serverStopped(NodeSpec node) {
    return done("server " + node.name());
  }

  private boolean done(String layer) {
    return fencing.stream().anyMatch(f -> f.layer().equals(layer) && f.done());
  }

  String detail(String layer) {
    return fencing.stream()
        .filter(f -> f.layer().equals(layer))
        .map(FenceReport::detail)
        .findFirst()
        .orElse("not attempted");
  }
}
