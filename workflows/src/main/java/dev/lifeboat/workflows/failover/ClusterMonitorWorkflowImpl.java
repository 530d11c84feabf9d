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
    spec = topology.describeCluster(cluster);
    RegionalProbes probes =
        new RegionalProbes(Duration.ofMillis(spec.health().probeTimeoutMillis()));
    List<String> vantages =
        spec.health().vantagePoints().isEmpty()
            ? List.of(OWN_REGION)
            : spec.health().vantagePoints();

    while (true) {
      Map<String, List<NodeProbe>> seen = new LinkedHashMap<>();
      for (String vantage : vantages) {
        seen.put(
            vantage,
            vantage.equals(OWN_REGION)
                ? probes.probeAll(spec)
                : probes.probeAllFrom(spec, vantage));
      }
      rounds++;
      checkedAt = Workflow.currentTimeMillis();
      judge(seen);
      fenceReturnedPrimaries(seen);
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
    for (Map.Entry<String, List<NodeProbe>> entry : seen.entrySet()) {
      for (NodeProbe probe : entry.getValue()) {
        String key = entry.getKey() + "/" + probe.node();
        if (probe.reachable()) {
          failures.remove(key);
        } else {
          failures.merge(key, 1, Integer::sum);
          firstFailureAt.putIfAbsent(probe.node(), now);
        }
      }
    }
    for (NodeSpec node : spec.nodes()) {
      if (minFailures(seen, node.name()) == 0 && reachableEverywhere(seen, node.name())) {
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
    int k = spec.health().failuresBeforeDown();
    for (NodeSpec node : spec.nodes()) {
      NodeProbe probe = latest(seen, node.name());
      int count = minFailures(seen, node.name());
      String verdict =
          fenced.contains(node.name())
              ? "fenced"
              : count >= k ? "down" : (count > 0 || !probe.reachable()) ? "suspect" : "up";
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
              count,
              probe.latencyMillis(),
              probe.lsn(),
              lag,
              probe.error()));
    }
  }

  /** A node answering as primary on an older timeline is a demoted primary back: fence it. */
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
      if (fenced.add(probe.node())) {
        NodeSpec node = spec.node(probe.node());
        log.warn(
            "{}: {} answers as primary on timeline {} while {} is primary on {}; fencing it",
            cluster,
            node.name(),
            probe.timeline(),
            primary,
            primaryTimeline);
        try {
          fencer(node).fenceWrites(node);
        } catch (TemporalFailure e) {
          fenced.remove(node.name());
          log.error("{}: could not fence {}: {}", cluster, node.name(), e.getMessage());
        }
      }
    }
  }

  private void collectFailover() {
    if (runningFailover == null || !runningFailover.isCompleted()) {
      return;
    }
    try {
      FailoverResult result = runningFailover.get();
      primary = result.newPrimary();
      primaryTimeline = 0;
      log.info("{}: failover done, {} is primary", cluster, primary);
    } catch (TemporalFailure e) {
      log.error("{}: failover failed: {}", cluster, e.getMessage());
    }
    runningFailover = null;
  }

  private void maybeFailOver() {
    if (primary == null || runningFailover != null) {
      return;
    }
    MonitoredNode h = health.get(primary);
    if (h == null || !"down".equals(h.verdict())) {
      return;
    }
    if (!spec.failover().automatic() || paused) {
      log.warn(
          "{}: primary {} is DOWN; automatic failover is {}",
          cluster,
          primary,
          paused ? "paused (" + pauseReason + ")" : "off");
      return;
    }
    long now = Workflow.currentTimeMillis();
    FailoverRequest request =
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
            now);
    FailoverWorkflow child =
        Workflow.newChildWorkflowStub(
            FailoverWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(FailoverWorkflow.workflowId(cluster))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    log.warn("{}: primary {} is DOWN; starting failover", cluster, primary);
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

  private int minFailures(Map<String, List<NodeProbe>> seen, String node) {
    int min = Integer.MAX_VALUE;
    for (String vantage : seen.keySet()) {
      min = Math.min(min, failures.getOrDefault(vantage + "/" + node, 0));
    }
    return min == Integer.MAX_VALUE ? 0 : min;
  }

  private static boolean reachableEverywhere(Map<String, List<NodeProbe>> seen, String node) {
    return seen.values().stream()
        .flatMap(List::stream)
        .filter(p -> p.node().equals(node))
        .allMatch(NodeProbe::reachable);
  }

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

  private static PostgresActivities fencer(NodeSpec node) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setScheduleToCloseTimeout(Duration.ofSeconds(30))
            .setStartToCloseTimeout(Duration.ofSeconds(15))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
            .build());
  }
}
