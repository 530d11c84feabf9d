package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The monitor's hold on replaced primaries: one that answers as primary on an older timeline is
 * stopped whenever it comes back, and one that is down is demoted on disk as soon as its host's
 * worker answers. Runs in the monitor's workflow code, round by round.
 */
final class OldPrimaryFence {

  private static final Logger log = Workflow.getLogger(OldPrimaryFence.class);

  private final String cluster;
  private final ClusterSpec spec;
  private final boolean quorumRules;
  private final Set<String> fenced;

  /** Fenced nodes demoted on disk while down; cleared when one answers again. */
  private final Set<String> demotedOnDisk = new LinkedHashSet<>();

  /**
   * @param quorumRules whether the monitor's run follows quorum rules; older runs fenced writes
   *     once
   * @param fenced the monitor's fenced nodes, shared: it shows them and carries them on
   */
  OldPrimaryFence(String cluster, ClusterSpec spec, boolean quorumRules, Set<String> fenced) {
    this.cluster = cluster;
    this.spec = spec;
    this.quorumRules = quorumRules;
    this.fenced = fenced;
  }

  /**
   * A node answering as primary on an older timeline is a demoted primary back: fence it. Under
   * quorum rules it is stopped, every time it comes back, since a client can undo a read-only
   * setting; older runs fenced its writes once.
   */
  void fenceReturned(
      Map<String, List<NodeProbe>> seen,
      List<NodeProbe> view,
      String primary,
      long primaryTimeline) {
    for (NodeProbe probe : view) {
      boolean stalePrimary =
          probe.reachable()
              && probe.role() == NodeRole.PRIMARY
              && !probe.node().equals(primary)
              && probe.timeline() < primaryTimeline;
      if (!stalePrimary) {
        // A fenced node that now streams as a standby, or was promoted since, is not fenced.
        if (probe.reachable()
            && (probe.role() == NodeRole.STANDBY || probe.node().equals(primary))) {
          fenced.remove(probe.node());
        }
        continue;
      }
      NodeSpec node = spec.node(probe.node());
      if (quorumRules) {
        log.warn(
            "{}: {} answers as primary on timeline {} while {} is primary on {}; stopping it",
            cluster,
            node.name(),
            probe.timeline(),
            primary,
            primaryTimeline);
        fenced.add(node.name());
        stopStale(node, seen);
      } else if (fenced.add(probe.node())) {
        log.warn(
            "{}: {} answers as primary on timeline {} while {} is primary on {}; fencing it",
            cluster,
            node.name(),
            probe.timeline(),
            primary,
            primaryTimeline);
        try {
          fencer(node.region()).fenceWrites(node);
        } catch (TemporalFailure e) {
          fenced.remove(node.name());
          log.error("{}: could not fence {}: {}", cluster, node.name(), e.getMessage());
        }
      }
    }
  }

  /**
   * A replaced primary that is down now is demoted on disk through its region's worker, once per
   * absence, so whatever restarts it starts a server in recovery: it never takes a write, not even
   * for the one round before the monitor would see it and stop it.
   */
  void demoteAbsent(List<NodeProbe> view) {
    for (String name : List.copyOf(fenced)) {
      NodeProbe probe = view.stream().filter(p -> p.node().equals(name)).findFirst().orElse(null);
      if (probe == null || probe.reachable() || demotedOnDisk.contains(name)) {
        if (probe != null && probe.reachable()) {
          demotedOnDisk.remove(name);
        }
        continue;
      }
      NodeSpec node = spec.node(name);
      if (node == null || node.dataDir() == null) {
        // Nothing to demote on disk without its data directory; the monitor still stops it.
        demotedOnDisk.add(name);
        continue;
      }
      try {
        FenceReport report = fencer(node.region()).stopAndDemote(node);
        demotedOnDisk.add(name);
        log.info("{}: {} is down; {}", cluster, name, report == null ? "demoted" : report.detail());
      } catch (TemporalFailure e) {
        // Its host's worker is gone too: try again next round.
        log.warn("{}: could not demote {} on disk yet: {}", cluster, name, e.getMessage());
      }
    }
  }

  /**
   * Stops a demoted primary through its own region's worker; when that worker does not answer,
   * fences its writes and ends its sessions from a vantage point that reaches it, until the stop
   * can be done in a later round.
   */
  private void stopStale(NodeSpec node, Map<String, List<NodeProbe>> seen) {
    try {
      fencer(node.region()).stopAndDemote(node);
      return;
    } catch (TemporalFailure e) {
      log.error(
          "{}: could not stop {} through its region's worker: {}",
          cluster,
          node.name(),
          e.getMessage());
    }
    for (Map.Entry<String, List<NodeProbe>> view : seen.entrySet()) {
      boolean reaches =
          view.getValue().stream().anyMatch(p -> p.node().equals(node.name()) && p.reachable());
      if (!reaches || view.getKey().equals(ClusterMonitorWorkflowImpl.OWN_REGION)) {
        continue;
      }
      try {
        fencer(view.getKey()).fenceWrites(node);
        return;
      } catch (TemporalFailure e) {
        log.error("{}: could not fence {} from {}: {}", cluster, node.name(), view.getKey(), e);
      }
    }
  }

  /** Fences and stops on a region's queue, with a deadline, since that worker may be gone. */
  private static PostgresActivities fencer(String region) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(region))
            .setScheduleToCloseTimeout(Duration.ofSeconds(30))
            .setStartToCloseTimeout(Duration.ofSeconds(15))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.NO_DATA_DIR)
                    .build())
            .build());
  }
}
