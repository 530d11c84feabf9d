package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailbackRequest;
import dev.lifeboat.workflows.model.FailbackResult;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.RejoinResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** See {@link FailbackWorkflow}. */
public class FailbackWorkflowImpl implements FailbackWorkflow {

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  @Override
  public FailbackResult failback(FailbackRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "FailbackWorkflow needs a cluster: --input '{\"cluster\":\"shop\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    String cluster = request.cluster();
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_FAILOVER));
    ClusterSpec spec = topology.describeCluster(cluster);
    boolean synchronous = ClusterSpec.SYNCHRONOUS.equals(spec.replication());
    List<NodeProbe> probes = new RegionalProbes(Duration.ofSeconds(15)).probeAll(spec);
    NodeProbe primaryProbe =
        Primaries.newest(probes)
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "no node of " + cluster + " answers as primary; fail over first",
                        ErrorTypes.NO_CANDIDATE));
    NodeSpec primary = spec.node(primaryProbe.node());
    List<String> streaming =
        primaryProbe.replicas().stream()
            .filter(r -> "streaming".equals(r.state()))
            .map(r -> r.applicationName())
            .toList();

    List<RejoinResult> rejoined = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      if (node.name().equals(primary.name()) || streaming.contains(node.name())) {
        continue;
      }
      NodeProbe probe =
          probes.stream().filter(p -> p.node().equals(node.name())).findFirst().orElseThrow();
      if (probe.reachable() && probe.role() == NodeRole.PRIMARY) {
        // Refuse writes first: between now and the rewind it must not take any.
        node(node, Duration.ofSeconds(30)).fenceWrites(node);
      }
      rejoined.add(node(node, Duration.ofMinutes(30)).rejoin(node, primary, synchronous));
    }

    FailoverResult switchback = null;
    NodeSpec preferred =
        spec.nodes().stream().max(Comparator.comparingInt(NodeSpec::priority)).orElseThrow();
    if (request.switchBack() && !preferred.name().equals(primary.name())) {
      // The failover that made this failback necessary may still be repointing standbys under
      // the same workflow id; wait for it to finish rather than fail.
      for (int attempt = 1; switchback == null; attempt++) {
        FailoverWorkflow child =
            Workflow.newChildWorkflowStub(
                FailoverWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(FailoverWorkflow.workflowId(cluster))
                    .build());
        try {
          switchback =
              child.failover(
                  FailoverRequest.manual(
                      cluster,
                      FailoverRequest.SWITCHOVER,
                      preferred.region(),
                      "failback to the preferred node " + preferred.name(),
                      request.requestedBy()));
        } catch (ChildWorkflowFailure e) {
          if (attempt >= 60 || !alreadyRunning(e)) {
            throw e;
          }
          Workflow.sleep(Duration.ofSeconds(1));
        }
      }
      primary = preferred;
    }
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.REGION.valueSet(primary.region()),
        DrSearchAttributes.OUTCOME.valueSet("succeeded"));
    return new FailbackResult(cluster, primary.name(), rejoined, switchback);
  }

  private static boolean alreadyRunning(ChildWorkflowFailure e) {
    // A start refused because the id is taken carries no cause; a failed switchover does.
    return e.getCause() == null;
  }

  private static PostgresActivities node(NodeSpec node, Duration timeout) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setStartToCloseTimeout(timeout)
            .setHeartbeatTimeout(Duration.ofMinutes(2))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.NO_DATA_DIR)
                    .build())
            .build());
  }
}
