package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailbackRequest;
import dev.lifeboat.workflows.model.FailbackResult;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.SimulationReport;
import dev.lifeboat.workflows.model.SimulationRequest;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/** See {@link DisasterSimulationWorkflow}. */
public class DisasterSimulationWorkflowImpl implements DisasterSimulationWorkflow {

  private static final Logger log = Workflow.getLogger(DisasterSimulationWorkflowImpl.class);

  /** How long a live simulation waits for the monitor's failover before it gives up. */
  private static final Duration FAILOVER_DEADLINE = Duration.ofMinutes(10);

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  private final TrafficActivities traffic =
      Workflow.newActivityStub(
          TrafficActivities.class,
          ActivityOptions.newBuilder()
              .setTaskQueue(TaskQueues.ORCHESTRATION)
              .setStartToCloseTimeout(Duration.ofSeconds(20))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
              .build());

  @Override
  public SimulationReport simulate(SimulationRequest request) {
    if (request == null || request.cluster() == null || request.region() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "DisasterSimulationWorkflow needs a cluster and a region: --input"
              + " '{\"cluster\":\"shop\",\"region\":\"sydney\",\"mode\":\"plan\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    boolean live = SimulationRequest.LIVE.equals(request.mode());
    String cluster = request.cluster();
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_DRILL),
        DrSearchAttributes.REGION.valueSet(request.region()));
    ClusterSpec spec = topology.describeCluster(cluster);
    NodeSpec failed = spec.nodeInRegion(request.region());
    if (failed == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster " + cluster + " has no node in region " + request.region(),
          ErrorTypes.INVALID_REQUEST);
    }
    if (live && !spec.drill()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster "
              + cluster
              + " is not marked drill: true in lifeboat.yaml; a live simulation really kills its"
              + " PostgreSQL. Run --mode plan, or mark a drill cluster",
          ErrorTypes.NOT_A_DRILL_CLUSTER);
    }
    RegionalProbes probes = new RegionalProbes(Duration.ofSeconds(10));
    List<NodeProbe> before = probes.probeAll(spec);
    NodeProbe primary = Primaries.newest(before).orElse(null);
    boolean primaryFails = primary != null && primary.node().equals(failed.name());
    Optional<CandidateChooser.Candidate> candidate =
        primaryFails
            ? CandidateChooser.choose(spec, before, failed.name(), primary.lsn(), null)
            : Optional.empty();

    List<String> steps = new ArrayList<>();
    long detection =
        spec.health().intervalMillis() * spec.health().failuresBeforeDown()
            + spec.health().probeTimeoutMillis();
    long expected = detection + 1000;
    if (!primaryFails) {
      steps.add(
          failed.name()
              + " is a standby: losing it needs no failover; the monitor marks it"
              + " down after "
              + spec.health().failuresBeforeDown()
              + " failed checks");
    } else if (candidate.isEmpty()) {
      steps.add(
          "no standby could take over: the cluster would stay down until "
              + failed.name()
              + " returns");
    } else {
      NodeSpec next = candidate.get().node();
      steps.add(
          "the monitor sees "
              + failed.name()
              + " fail "
              + spec.health().failuresBeforeDown()
              + " checks, "
              + spec.health().intervalMillis()
              + " ms apart (detection about "
              + detection
              + " ms)");
      spec.traffic().forEach(e -> steps.add("fence: hold " + e.type() + " endpoint " + e.name()));
      steps.add(
          "choose "
              + next.name()
              + " in "
              + next.region()
              + " ("
              + candidate.get().lagBytes()
              + " bytes behind; budget "
              + spec.failover().rpoBudgetBytes()
              + " bytes, "
              + (spec.replication().equals(ClusterSpec.SYNCHRONOUS)
                  ? "synchronous: no committed loss"
                  : candidate.get().lagBytes() > spec.failover().rpoBudgetBytes()
                      ? "over budget: waits for approval"
                      : "within budget: automatic")
              + ")");
      steps.add("promote " + next.name() + " with pg_promote() and check a write commits");
      spec.traffic()
          .forEach(
              e ->
                  steps.add(
                      "redirect " + e.type() + " endpoint " + e.name() + " to " + next.name()));
    }
    if (!live) {
      return new SimulationReport(
          cluster,
          request.region(),
          request.mode(),
          steps,
          failed.name(),
          candidate.map(c -> c.node().name()).orElse(null),
          expected,
          0,
          null,
          null);
    }

    ensureMonitor(cluster);
    // The monitor fails over from the primary it has seen alive; a monitor started just now must
    // finish a round or two before the kill, or it would never know which node was primary.
    Workflow.sleep(
        Duration.ofMillis(2 * spec.health().intervalMillis() + spec.health().probeTimeoutMillis()));
    steps.clear();
    long killedAt = Workflow.currentTimeMillis();
    long pid = node(failed, Duration.ofSeconds(30)).crashServer(failed);
    steps.add("killed the postmaster of " + failed.name() + " (pid " + pid + ") with SIGKILL");
    log.warn("simulation: killed {} of {}", failed.name(), cluster);

    String newPrimary = null;
    long measured = 0;
    if (primaryFails) {
      newPrimary = awaitTakeover(spec, probes, primary.timeline());
      measured = Workflow.currentTimeMillis() - killedAt;
      steps.add(
          newPrimary
              + " is primary and every endpoint points at it, "
              + measured
              + " ms after the kill");
    }

    FailbackResult failback = null;
    if (request.failBack()) {
      node(failed, Duration.ofMinutes(3)).startServer(failed);
      steps.add("restarted " + failed.name());
      if (primaryFails) {
        failback =
            Workflow.newChildWorkflowStub(
                    FailbackWorkflow.class,
                    ChildWorkflowOptions.newBuilder()
                        .setWorkflowId(FailbackWorkflow.workflowId(cluster))
                        .build())
                .failback(new FailbackRequest(cluster, true, "simulation"));
        steps.add("failed back: " + failback.primary() + " is primary again");
      }
    }
    return new SimulationReport(
        cluster,
        request.region(),
        request.mode(),
        steps,
        failed.name(),
        newPrimary,
        expected,
        measured,
        null,
        failback);
  }

  /** Starts the cluster's monitor unless one runs; it outlives the simulation. */
  private void ensureMonitor(String cluster) {
    ClusterMonitorWorkflow monitor =
        Workflow.newChildWorkflowStub(
            ClusterMonitorWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(ClusterMonitorWorkflow.workflowId(cluster))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    Async.procedure(monitor::monitor, new MonitorRequest(cluster));
    try {
      Workflow.getWorkflowExecution(monitor).get();
    } catch (TemporalFailure e) {
      log.info("the monitor of {} runs already", cluster);
    }
  }

  /** Waits until another node is primary on a newer timeline and every endpoint points at it. */
  private String awaitTakeover(ClusterSpec spec, RegionalProbes probes, long oldTimeline) {
    long deadline = Workflow.currentTimeMillis() + FAILOVER_DEADLINE.toMillis();
    while (Workflow.currentTimeMillis() < deadline) {
      Optional<NodeProbe> now =
          Primaries.newest(probes.probeAll(spec)).filter(p -> p.timeline() > oldTimeline);
      if (now.isPresent()) {
        NodeSpec node = spec.node(now.get().node());
        boolean redirected = true;
        for (TrafficEndpoint endpoint : spec.traffic()) {
          String target = traffic.currentTarget(endpoint);
          redirected &=
              target != null
                  && (target.equals(node.host() + ":" + node.port()) || target.equals(node.host()));
        }
        if (redirected) {
          return node.name();
        }
      }
      Workflow.sleep(Duration.ofMillis(250));
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "no failover happened within "
            + FAILOVER_DEADLINE
            + "; is the monitor running and"
            + " automatic failover on?",
        ErrorTypes.NO_CANDIDATE);
  }

  private static PostgresActivities node(NodeSpec node, Duration timeout) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setStartToCloseTimeout(timeout)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    // A killed postmaster's backends hold its shared memory for a moment.
                    .setMaximumAttempts(10)
                    .setDoNotRetry(ErrorTypes.NO_DATA_DIR)
                    .build())
            .build());
  }
}
