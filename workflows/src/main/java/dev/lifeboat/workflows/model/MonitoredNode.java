package dev.lifeboat.workflows.model;

/**
 * One node as the monitor judges it.
 *
 * @param node the node
 * @param region its region
 * @param verdict {@code up}, {@code suspect} (some failed probes, fewer than needed), {@code down}
 *     (the configured count of consecutive failures from every vantage point) or {@code fenced} (a
 *     demoted primary that came back, refused writes)
 * @param role what it last answered as
 * @param consecutiveFailures the smallest count of consecutive failures over the vantage points
 * @param latencyMillis the last probe's round trip
 * @param lsn its last LSN
 * @param lagBytes how far behind the primary's LSN it is, for standbys
 * @param error the last probe's error, when it failed
 */
public record MonitoredNode(
    String node,
    String region,
    String verdict,
    NodeRole role,
    int consecutiveFailures,
    long latencyMillis,
    String lsn,
    long lagBytes,
    String error) {}
