package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.MonitorState;
import dev.lifeboat.workflows.model.MonitorStatus;
import dev.lifeboat.workflows.model.MonitoredNode;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;

/** See {@link ClusterMonitorWorkflow}. */
public class ClusterMonitorWorkflowImpl implements ClusterMonitorWorkflow {

  private static final Logger log = Workflow.getLogger(ClusterMonitorWorkflowImpl.class);

  /** Continue as new past this many history events, so replays stay quick. */
  static final int HISTORY_LIMIT = 4000;

  private static final String OWN_REGION = "";

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  private String cluster;
  private ClusterSpec spec;
  private String primary;
  private long primaryTimeline;
  private String primaryLsn;
  private final Map<String, Integer> failures = new TreeMap<>();
  private final Map<String, Long> firstFailureAt = new TreeMap<>();
  private boolean paused;
  private String pauseReason;
  private String lastFailover;
  private final Set<String> fenced = new LinkedHashSet<>();
  private long rounds;
  private long checkedAt;
  private final Map<String, MonitoredNode> health = new LinkedHashMap<>();
  private Promise<FailoverResult> runningFailover;

  /** Runs started before quorum rules keep the rules they started with, for replay. */
  private boolean quorumRules;

  private NodeVerdicts verdicts;
  private Map<String, List<NodeProbe>> lastSeen = Map.of();
  private int roundsWithoutPrimary;

  /** Fenced nodes demoted on disk while down; cleared when one answers again. */
  private final Set<String> demotedOnDisk = new LinkedHashSet<>();

  @Override
  public void monitor(MonitorRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "ClusterMonitorWorkflow needs a cluster: --input '{\"cluster\":\"shop\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    cluster = request.cluster();
    restore(request.state());
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_HEALTH));
    quorumRules = Workflow.getVersion("quorum-of-vantage-points", Workflow.DEFAULT_VERSION, 1) >= 1;
    spec = topology.describeCluster(cluster);
    RegionalProbes probes =
        new RegionalProbes(Duration.ofMillis(spec.health().probeTimeoutMillis()));
    List<String> vantages;
    if (quorumRules) {
      vantages = RegionalProbes.vantagePoints(spec);
      verdicts =
          new NodeVerdicts(
              spec.health().failuresBeforeDown(),
              RegionalProbes.quorum(vantages.size()),
              false,
              failures);
      log.info(
          "{}: judging {} from {} (a quorum of {} must see a node fail)",
          cluster,
          spec.nodes().stream().map(NodeSpec::name).toList(),
          vantages,
          RegionalProbes.quorum(vantages.size()));
    } else {
      vantages =
          spec.health().vantagePoints().isEmpty()
              ? List.of(OWN_REGION)
              : spec.health().vantagePoints();
      verdicts =
          new NodeVerdicts(spec.health().failuresBeforeDown(), vantages.size(), true, failures);
    }

    while (true) {
      Map<String, List<NodeProbe>> seen;
      if (quorumRules) {
        seen = probes.probeFromEach(spec, vantages);
      } else {
        seen = new LinkedHashMap<>();
        for (String vantage : vantages) {
          seen.put(
              vantage,
              vantage.equals(OWN_REGION)
                  ? probes.probeAll(spec)
                  : probes.probeAllFrom(spec, vantage));
        }
      }
      lastSeen = seen;
      rounds++;
      checkedAt = Workflow.currentTimeMillis();
      judge(seen);
      fenceReturnedPrimaries(seen);
      if (quorumRules) {
        demoteAbsentOldPrimaries(seen);
      }
      collectFailover();
      maybeFailOver();
      report();

      if (runningFailover == null && Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT) {
        Workflow.continueAsNew(new MonitorRequest(cluster, state()));
      }
      Workflow.sleep(Duration.ofMillis(spec.health().intervalMillis()));
    }
  }

  @Override
  public MonitorStatus status() {
    return new MonitorStatus(
        cluster,
        primary,
        paused,
        pauseReason,
        new ArrayList<>(health.values()),
        lastFailover,
        checkedAt,
        rounds,
        spec == null ? 0 : spec.health().intervalMillis(),
        spec == null ? 0 : spec.health().failuresBeforeDown());
  }

  @Override
  public String pause(String reason) {
    paused = true;
    pauseReason = reason;
    return "automatic failover of " + cluster + " paused: " + reason;
  }

  @Override
  public String resume() {
    paused = false;
    pauseReason = null;
    return "automatic failover of " + cluster + " resumed";
  }

  // ----- one round -----

  /** Counts failures per vantage point and node, and takes the newest-timeline primary. */
  private void judge(Map<String, List<NodeProbe>> seen) {
    long now = Workflow.currentTimeMillis();
    verdicts.record(seen);
    for (NodeSpec node : spec.nodes()) {
      if (verdicts.anyFailure(seen, node.name())) {
        firstFailureAt.putIfAbsent(node.name(), now);
      } else {
        firstFailureAt.remove(node.name());
      }
    }
    for (NodeProbe probe : anyView(seen)) {
      if (probe.reachable()
          && probe.role() == NodeRole.PRIMARY
          && (primary == null
              || probe.timeline() > primaryTimeline
              || probe.node().equals(primary))) {
        if (!probe.node().equals(primary)) {
          log.info("{}: {} is primary (timeline {})", cluster, probe.node(), probe.timeline());
        }
        primary = probe.node();
        primaryTimeline = Math.max(primaryTimeline, probe.timeline());
        primaryLsn = probe.lsn();
      }
    }
    for (NodeSpec node : spec.nodes()) {
      NodeProbe probe = latest(seen, node.name());
      String verdict =
          fenced.contains(node.name()) ? MonitoredNode.FENCED : verdicts.verdict(seen, node.name());
      long lag =
          probe.reachable() && probe.role() == NodeRole.STANDBY
              ? Lsn.distance(probe.lsn(), primaryLsn)
              : 0;
      health.put(
          node.name(),
          new MonitoredNode(
              node.name(),
              node.region(),
              verdict,
              probe.role(),
              verdicts.agreedFailures(seen, node.name()),
              probe.latencyMillis(),
              probe.lsn(),
              lag,
              probe.error()));
    }
  }

  /**
   * A node answering as primary on an older timeline is a demoted primary back: fence it. Under
   * quorum rules it is stopped, every time it comes back, since a client can undo a read-only
   * setting; older runs fenced its writes once.
   */
  private void fenceReturnedPrimaries(Map<String, List<NodeProbe>> seen) {
    for (NodeProbe probe : anyView(seen)) {
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
        stopStalePrimary(node, seen);
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
  private void demoteAbsentOldPrimaries(Map<String, List<NodeProbe>> seen) {
    for (String name : List.copyOf(fenced)) {
      NodeProbe probe = latest(seen, name);
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
  private void stopStalePrimary(NodeSpec node, Map<String, List<NodeProbe>> seen) {
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
      if (!reaches || view.getKey().equals(OWN_REGION)) {
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

  private void collectFailover() {
    if (runningFailover == null || !runningFailover.isCompleted()) {
      return;
    }
    try {
      FailoverResult result = runningFailover.get();
      if (quorumRules && !result.oldPrimary().equals(result.newPrimary())) {
        // Kept fenced until it streams as a standby again.
        fenced.add(result.oldPrimary());
      }
      primary = result.newPrimary();
      primaryTimeline = 0;
      log.info("{}: failover done, {} is primary", cluster, primary);
    } catch (TemporalFailure e) {
      log.error("{}: failover failed: {}", cluster, e.getMessage());
    }
    runningFailover = null;
    roundsWithoutPrimary = 0;
  }

  private void maybeFailOver() {
    if (runningFailover != null) {
      return;
    }
    if (primary == null) {
      maybeFailOverWithoutPrimary();
      return;
    }
    MonitoredNode h = health.get(primary);
    if (h == null) {
      return;
    }
    boolean down = MonitoredNode.DOWN.equals(h.verdict());
    boolean unconfirmed = quorumRules && MonitoredNode.UNCONFIRMED.equals(h.verdict());
    if (!down && !unconfirmed) {
      return;
    }
    if (!spec.failover().automatic() || paused) {
      log.warn(
          "{}: primary {} is {}; automatic failover is {}",
          cluster,
          primary,
          h.verdict().toUpperCase(java.util.Locale.ROOT),
          paused ? "paused (" + pauseReason + ")" : "off");
      return;
    }
    String approval = null;
    if (unconfirmed) {
      List<String> silent = NodeVerdicts.silentVantages(lastSeen, primary);
      approval =
          "primary "
              + primary
              + " is down where it could be probed, but the probes from "
              + silent
              + " never came back: a crash cannot be told from a partition without a quorum of"
              + " vantage points";
    }
    long now = Workflow.currentTimeMillis();
    startFailover(
        new FailoverRequest(
            cluster,
            FailoverRequest.FAILOVER,
            null,
            "primary "
                + primary
                + " failed "
                + h.consecutiveFailures()
                + " consecutive health checks: "
                + h.error(),
            "monitor",
            primary,
            primaryLsn,
            firstFailureAt.getOrDefault(primary, now),
            now,
            approval));
  }

  /**
   * No node has answered as primary since this monitor started: a cluster left without a primary
   * must not idle. After the configured count of rounds, and with a standby that answers, it starts
   * a failover that waits for an approval, since nothing the monitor saw proves the primary gone.
   */
  private void maybeFailOverWithoutPrimary() {
    if (!quorumRules) {
      return;
    }
    roundsWithoutPrimary++;
    if (roundsWithoutPrimary < spec.health().failuresBeforeDown()) {
      return;
    }
    MonitoredNode standby =
        health.values().stream()
            .filter(n -> n.role() == NodeRole.STANDBY && MonitoredNode.UP.equals(n.verdict()))
            .findFirst()
            .orElse(null);
    if (standby == null) {
      if (roundsWithoutPrimary == spec.health().failuresBeforeDown()) {
        log.error("{}: NO node answers as primary and no standby is healthy", cluster);
      }
      return;
    }
    String why =
        "no node of "
            + cluster
            + " has answered as primary for "
            + roundsWithoutPrimary
            + " rounds; standby "
            + standby.node()
            + " last replayed "
            + standby.lsn();
    if (!spec.failover().automatic() || paused) {
      log.error("{}: {}; automatic failover is off or paused", cluster, why);
      return;
    }
    log.error("{}: {}; starting a failover that waits for an approval", cluster, why);
    long now = Workflow.currentTimeMillis();
    startFailover(
        new FailoverRequest(
            cluster, FailoverRequest.FAILOVER, null, why, "monitor", null, null, now, now, why));
  }

  private void startFailover(FailoverRequest request) {
    FailoverWorkflow child =
        Workflow.newChildWorkflowStub(
            FailoverWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(FailoverWorkflow.workflowId(cluster))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    log.warn(
        "{}: primary {} is DOWN; starting failover{}",
        cluster,
        request.oldPrimary(),
        request.approvalNeededBecause() == null ? "" : " (it will wait for an approval)");
    runningFailover = Async.function(child::failover, request);
    try {
      lastFailover =
          FailoverWorkflow.workflowId(cluster)
              + "/"
              + Workflow.getWorkflowExecution(child).get().getRunId();
    } catch (TemporalFailure e) {
      // Another failover of this cluster runs already (started by hand): watch, do not start one.
      log.warn("{}: failover not started: {}", cluster, e.getMessage());
      runningFailover = null;
    }
  }

  private void report() {
    for (MonitoredNode h : health.values()) {
      var scope = Workflow.getMetricsScope().tagged(Map.of("cluster", cluster, "node", h.node()));
      scope.gauge("lifeboat_node_up").update("up".equals(h.verdict()) ? 1 : 0);
      scope.gauge("lifeboat_node_consecutive_failures").update(h.consecutiveFailures());
      scope.gauge("lifeboat_node_probe_latency_ms").update(h.latencyMillis());
      scope.gauge("lifeboat_node_lag_bytes").update(h.lagBytes());
    }
  }

  // ----- helpers -----

  /** The probe of a node from the first vantage point that reached it, else the first one. */
  private static NodeProbe latest(Map<String, List<NodeProbe>> seen, String node) {
    NodeProbe any = null;
    for (List<NodeProbe> view : seen.values()) {
      for (NodeProbe p : view) {
        if (p.node().equals(node)) {
          if (p.reachable()) {
            return p;
          }
          any = any == null ? p : any;
        }
      }
    }
    return any;
  }

  private List<NodeProbe> anyView(Map<String, List<NodeProbe>> seen) {
    List<NodeProbe> out = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      out.add(latest(seen, node.name()));
    }
    return out;
  }

  private void restore(MonitorState state) {
    if (state == null) {
      return;
    }
    primary = state.primary();
    primaryTimeline = state.primaryTimeline();
    primaryLsn = state.primaryLsn();
    failures.putAll(state.failures());
    firstFailureAt.putAll(state.firstFailureAtMillis());
    paused = state.paused();
    pauseReason = state.pauseReason();
    lastFailover = state.lastFailover();
    fenced.addAll(state.fenced());
    rounds = state.rounds();
  }

  private MonitorState state() {
    return new MonitorState(
        primary,
        primaryTimeline,
        primaryLsn,
        failures,
        firstFailureAt,
        paused,
        pauseReason,
        lastFailover,
        new ArrayList<>(fenced),
        rounds);
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
