package dev.lifeboat.workflows.model;

/**
 * One node as the monitor judges it.
 *
 * @param node the node
 * @param region its region
 * @param verdict {@value #UP}, {@value #SUSPECT} (some failed probes, fewer than needed, or seen by
 *     some vantage points and not others), {@value #DOWN} (the configured count of consecutive
 *     failures from a quorum of vantage points), {@value #UNCONFIRMED} (down wherever a probe came
 *     back, but too few came back for a quorum: a crash cannot be told from a partition), {@value
 *     #UNKNOWN} (no probe came back: the vantage points' workers do not answer) or {@value #FENCED}
 *     (a demoted primary that came back, stopped)
 * @param role what it last answered as
 * @param consecutiveFailures the count of consecutive failures a quorum of vantage points agrees on
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
    String error) {

  /** Answers from every vantage point. */
  public static final String UP = "up";

  /** Failed some probes, or is seen by some vantage points and not by others. */
  public static final String SUSPECT = "suspect";

  /** Failed the configured count of consecutive probes from a quorum of vantage points. */
  public static final String DOWN = "down";

  /** Down where it could be probed, but the probes of too many vantage points never came back. */
  public static final String UNCONFIRMED = "unconfirmed";

  /** No probe came back from any vantage point: nothing is known. */
  public static final String UNKNOWN = "unknown";

  /** A demoted primary that came back and was stopped. */
  public static final String FENCED = "fenced";
}
