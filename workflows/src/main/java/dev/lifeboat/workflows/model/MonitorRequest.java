package dev.lifeboat.workflows.model;

/**
 * Input of {@code ClusterMonitorWorkflow} (workflow id {@code monitor-<cluster>}): {@code
 * {"cluster":"shop"}}. A run that continues as new passes its state along.
 *
 * @param cluster the cluster to watch
 * @param state what the previous run knew, or null for a fresh start
 */
public record MonitorRequest(String cluster, MonitorState state) {

  /** A fresh monitor of a cluster. */
  public MonitorRequest(String cluster) {
    this(cluster, null);
  }
}
