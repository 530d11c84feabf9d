package dev.lifeboat.workflows.health;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/** Probes all nodes in parallel on their regions' task queues, then judges the topology. */
public class ClusterHealthWorkflowImpl implements ClusterHealthWorkflow {

  private static final Logger log = Workflow.getLogger(ClusterHealthWorkflowImpl.class);

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  private final Map<String, PostgresActivities> probesByRegion = new HashMap<>();

  @Override
  public ClusterTopology check(ClusterHealthRequest request) {
    String cluster = requireCluster(request);
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_HEALTH));
    Instant checkedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());

    ClusterSpec spec = topology.describeCluster(cluster);
    List<NodeProbe> probes = probeAllNodes(spec, request.probeDeadline());
    ClusterTopology result = TopologyAssessor.assess(spec, checkedAt, probes);

    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.OUTCOME.valueSet(result.verdict().outcome()));
    log.info("cluster {} is {} (primary {})", cluster, result.verdict(), result.primary());
    return result;
  }

  private static String requireCluster(ClusterHealthRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "ClusterHealthWorkflow needs a cluster name: start it with --input '{\"cluster\":\"shop\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    return request.cluster();
  }

  /**
   * Probes every node at once. A probe that no worker completes within the deadline (for example
   * because no worker polls that region's queue) makes its node unreachable rather than hanging the
   * workflow.
   */
  private List<NodeProbe> probeAllNodes(ClusterSpec spec, Duration deadline) {
    List<Promise<NodeProbe>> pending = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      pending.add(Async.function(probesFor(node.region(), deadline)::probe, node));
    }
    List<NodeProbe> probes = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      probes.add(awaitProbe(spec.nodes().get(i), pending.get(i)));
    }
    return probes;
  }

  private static NodeProbe awaitProbe(NodeSpec node, Promise<NodeProbe> probe) {
    try {
      return probe.get();
    } catch (ActivityFailure failure) {
      String cause =
          failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage();
      return NodeProbe.unreachable(
          node,
          0,
          "probe did not complete on task queue "
              + TaskQueues.forRegion(node.region())
              + ": "
              + cause);
    }
  }

  private PostgresActivities probesFor(String region, Duration deadline) {
    return probesByRegion.computeIfAbsent(
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
