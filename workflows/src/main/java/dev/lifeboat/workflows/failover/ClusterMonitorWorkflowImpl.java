package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
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

  /** The vantage point of monitors started before quorum rules: each node's own region. */
  static final String OWN_REGION = "";

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

  private OldPrimaryFence oldPrimaries;

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
    oldPrimaries = new OldPrimaryFence(cluster, spec, quorumRules, fenced);
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
      oldPrimaries.fenceReturned(seen, anyView(seen), primary, primaryTimeline);
      if (quorumRules) {
        oldPrimaries.demoteAbsent(anyView(seen));
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
}
