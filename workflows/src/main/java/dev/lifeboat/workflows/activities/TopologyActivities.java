package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.ClusterSpec;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Activities that read the worker's configured topology (lifeboat.yaml), so a workflow can be
 * started with just a cluster name and workflows never read files themselves.
 */
@ActivityInterface(namePrefix = "Topology_")
public interface TopologyActivities {

  /**
   * Returns a configured cluster with its nodes.
   *
   * @param cluster the cluster's name
   * @return the cluster as configured on the worker
   * @throws io.temporal.failure.ApplicationFailure of type {@code UnknownCluster}, not retryable,
   *     when the worker's configuration has no such cluster
   */
  @ActivityMethod
  ClusterSpec describeCluster(String cluster);
}
