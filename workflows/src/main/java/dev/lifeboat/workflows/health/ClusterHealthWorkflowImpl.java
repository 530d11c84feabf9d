package dev.lifeboat.workflows.health;

import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.NodeProbe;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  @Override
  public ClusterTopology check(ClusterHealthRequest request) {
    String cluster = requireCluster(request);
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_HEALTH));
    Instant checkedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());

    ClusterSpec spec = topology.describeCluster(cluster);
    List<NodeProbe> probes = new RegionalProbes(request.probeDeadline()).probeAll(spec);
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
}
