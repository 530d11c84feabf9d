package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * How a cluster's monitor judges its nodes (lifeboat.yaml {@code clusters.<name>.health}).
 *
 * @param intervalMillis time between two rounds of probes; the reference deployment checks every 30
 *     s
 * @param failuresBeforeDown consecutive failed probes of a node before it is judged DOWN
 * @param probeTimeoutMillis how long one probe may take, connection included, before it counts as a
 *     failure
 * @param vantagePoints regions whose workers probe every node; a DOWN verdict needs a majority of
 *     them to see the node fail. Empty means every region that holds a node of the cluster
 */
public record HealthSettings(
    long intervalMillis,
    int failuresBeforeDown,
    long probeTimeoutMillis,
    List<String> vantagePoints) {

  /** The reference deployment's interval. */
  public static final long DEFAULT_INTERVAL_MILLIS = 30_000;

  /** The reference deployment's count of failed checks before failing over. */
  public static final int DEFAULT_FAILURES_BEFORE_DOWN = 3;

  /** How long a probe may take by default. */
  public static final long DEFAULT_PROBE_TIMEOUT_MILLIS = 5_000;

  public HealthSettings {
    vantagePoints = vantagePoints == null ? List.of() : List.copyOf(vantagePoints);
  }

  /** The settings used when lifeboat.yaml gives none. */
  public static HealthSettings defaults() {
    return new HealthSettings(
        DEFAULT_INTERVAL_MILLIS,
        DEFAULT_FAILURES_BEFORE_DOWN,
        DEFAULT_PROBE_TIMEOUT_MILLIS,
        List.of());
  }
}
