package dev.lifeboat.workflows.health;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Probes a cluster's nodes from workflow code, each on its own region's task queue, all at once.
 * Used by every workflow that needs to know who is primary. Create it inside a workflow.
 */
public final class RegionalProbes {

  private final Duration deadline;
  private final Map<String, PostgresActivities> byRegion = new HashMap<>();

  /**
   * @param deadline how long one probe may take, including waiting for a worker of its region;
   *     after that its node counts as unreachable
   */
  public RegionalProbes(Duration deadline) {
    this.deadline = deadline;
  }

  /** Probes every node of the cluster at once; returns one probe per node, in order. */
  public List<NodeProbe> probeAll(ClusterSpec spec) {
    List<Promise<NodeProbe>> pending = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      pending.add(Async.function(stubFor(node.region())::probe, node));
    }
    List<NodeProbe> probes = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      NodeSpec node = spec.nodes().get(i);
      probes.add(await(node, node.region(), pending.get(i)));
    }
    return probes;
  }

  /**
   * Probes every node of the cluster at once from one vantage point: the activities run on that
   * region's queue, so the probe sees what that region sees.
   */
  public List<NodeProbe> probeAllFrom(ClusterSpec spec, String vantageRegion) {
    return probeFromEach(spec, List.of(vantageRegion)).get(vantageRegion);
  }

  /**
   * Probes every node from every vantage point, all at once: what each region sees, keyed by region
   * in the order given.
   */
  public Map<String, List<NodeProbe>> probeFromEach(ClusterSpec spec, List<String> vantages) {
    Map<String, List<Promise<NodeProbe>>> pending = new LinkedHashMap<>();
    for (String vantage : vantages) {
      List<Promise<NodeProbe>> fromHere = new ArrayList<>();
      for (NodeSpec node : spec.nodes()) {
        fromHere.add(Async.function(stubFor(vantage)::probe, node));
      }
      pending.put(vantage, fromHere);
    }
    Map<String, List<NodeProbe>> seen = new LinkedHashMap<>();
    pending.forEach(
        (vantage, promises) -> {
          List<NodeProbe> probes = new ArrayList<>();
          for (int i = 0; i < promises.size(); i++) {
            probes.add(await(spec.nodes().get(i), vantage, promises.get(i)));
          }
          seen.put(vantage, probes);
        });
    return seen;
  }

  /**
   * The regions whose workers judge the cluster's nodes: {@code health.vantagePoints}, or by
   * default every region that holds a node, so a node's own region alone never decides.
   */
  public static List<String> vantagePoints(ClusterSpec spec) {
    if (!spec.health().vantagePoints().isEmpty()) {
      return spec.health().vantagePoints();
    }
    return spec.nodes().stream().map(NodeSpec::region).distinct().toList();
  }

  /** How many of {@code vantages} vantage points make a majority. */
  public static int quorum(int vantages) {
    return vantages / 2 + 1;
  }

  /**
   * The probe's result; a probe that did not complete (no worker of {@code queueRegion} answered
   * within the deadline, or it failed) is {@link NodeProbe#unknown}: the node may be fine.
   */
  private static NodeProbe await(NodeSpec node, String queueRegion, Promise<NodeProbe> probe) {
    try {
      return probe.get();
    } catch (ActivityFailure failure) {
      String cause =
          failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage();
      return NodeProbe.unknown(
          node,
          "probe did not complete on task queue "
              + TaskQueues.forRegion(queueRegion)
              + " (is a worker of region "
              + queueRegion
              + " running?): "
              + cause);
    }
  }

  private PostgresActivities stubFor(String region) {
    return byRegion.computeIfAbsent(
        region,
        r ->
            Workflow.newActivityStub(
                PostgresActivities.class,
                ActivityOptions.newBuilder()
                    .setTaskQueue(TaskQueues.forRegion(r))
                    .setStartToCloseTimeout(Duration.ofSeconds(20))
                    .setScheduleToCloseTimeout(deadline)
                    .setRetryOptions(
                        RetryOptions.newBuilder()
                            .setMaximumAttempts(3)
                            .setDoNotRetry(ErrorTypes.MISSING_SECRET)
                            .build())
                    .build()));
  }
}
