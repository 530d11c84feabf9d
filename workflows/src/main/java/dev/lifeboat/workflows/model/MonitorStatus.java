package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What {@code lifeboat failover status} shows of a monitored cluster.
 *
 * @param cluster the cluster
 * @param primary the node taken as primary
 * @param paused whether automatic failover is paused
 * @param pauseReason why
 * @param nodes each node's health
 * @param lastFailover the last failover the monitor started, or null
 * @param checkedAtMillis when the last round of probes finished (epoch ms)
 * @param rounds rounds of probes so far
 * @param intervalMillis the time between rounds
 * @param failuresBeforeDown failures needed for a DOWN verdict
 */
public record MonitorStatus(
    String cluster,
    String primary,
    boolean paused,
    String pauseReason,
    List<MonitoredNode> nodes,
    String lastFailover,
    long checkedAtMillis,
    long rounds,
    long intervalMillis,
    int failuresBeforeDown) {

  public MonitorStatus {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }
}
