package dev.lifeboat.workflows.model;

import java.time.Duration;

/**
 * Input of {@code ClusterHealthWorkflow}. As JSON: {@code {"cluster": "shop"}}, optionally with
 * {@code "probeDeadlineSeconds": 30}.
 *
 * @param cluster the name of a cluster defined in the worker's lifeboat.yaml
 * @param probeDeadlineSeconds how long one node's probe may take, including waiting for a worker of
 *     the node's region to pick it up, before the node counts as unreachable; 0 or absent means
 *     {@link #DEFAULT_PROBE_DEADLINE}
 */
public record ClusterHealthRequest(String cluster, int probeDeadlineSeconds) {

  /** The probe deadline used when the request does not set one. */
  public static final Duration DEFAULT_PROBE_DEADLINE = Duration.ofSeconds(60);

  /** A request with the default probe deadline. */
  public ClusterHealthRequest(String cluster) {
    this(cluster, 0);
  }

  /** Returns the probe deadline to apply. */
  public Duration probeDeadline() {
    return probeDeadlineSeconds > 0
        ? Duration.ofSeconds(probeDeadlineSeconds)
        : DEFAULT_PROBE_DEADLINE;
  }
}
