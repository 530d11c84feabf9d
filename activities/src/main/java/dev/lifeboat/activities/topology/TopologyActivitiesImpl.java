package dev.lifeboat.activities.topology;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.ClusterSpec;
import io.temporal.failure.ApplicationFailure;

/** Answers topology questions from the worker's validated lifeboat.yaml. */
public final class TopologyActivitiesImpl implements TopologyActivities {

  private final LifeboatConfig config;

  public TopologyActivitiesImpl(LifeboatConfig config) {
    this.config = config;
  }

  @Override
  public ClusterSpec describeCluster(String cluster) {
    return config
        .cluster(cluster)
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "cluster '"
                        + cluster
                        + "' is not configured in "
                        + config.source()
                        + " on this worker; configured clusters: "
                        + config.clusters().keySet(),
                    ErrorTypes.UNKNOWN_CLUSTER));
  }
}
