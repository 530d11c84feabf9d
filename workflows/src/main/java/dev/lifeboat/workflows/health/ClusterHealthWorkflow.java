package dev.lifeboat.workflows.health;

import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterTopology;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Probes every node of a cluster once, from each node's own region, and returns the topology: who
 * is primary, each node's LSN, and each standby's replication lag in bytes and seconds.
 *
 * <p>Start it with {@code lifeboat health --cluster shop}, or from the Temporal CLI:
 *
 * <pre>
 * temporal workflow start --type ClusterHealthWorkflow --task-queue lifeboat \
 *   --workflow-id health-shop --input '{"cluster":"shop"}'
 * </pre>
 *
 * <p>It sets the search attributes {@code DrCluster}, {@code DrKind=health} and, when done, {@code
 * DrOutcome} (healthy, degraded, no-primary, split-brain).
 */
@WorkflowInterface
public interface ClusterHealthWorkflow {

  /** The workflow type name, for {@code temporal workflow start --type}. */
  String TYPE = "ClusterHealthWorkflow";

  /**
   * Runs one round of probes.
   *
   * @param request which cluster to check
   * @return the topology as seen by the probes
   */
  @WorkflowMethod(name = TYPE)
  ClusterTopology check(ClusterHealthRequest request);
}
