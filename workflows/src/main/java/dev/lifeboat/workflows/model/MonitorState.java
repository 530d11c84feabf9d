package dev.lifeboat.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * What a cluster's monitor carries from one run to the next when it continues as new.
 *
 * @param primary the node it takes as primary
 * @param primaryTimeline that primary's timeline; a primary on an older one is a demoted node back
 * @param primaryLsn the primary's last LSN seen
 * @param failures consecutive failed probes per {@code vantage/node}
 * @param firstFailureAtMillis per node, when its current run of failures began (epoch ms)
 * @param paused whether failover is paused for maintenance
 * @param pauseReason why, and who paused it
 * @param lastFailover the workflow id and run id of the last failover it started, or null
 * @param fenced nodes it found acting as primary on an old timeline and fenced
 * @param rounds rounds of probes since the monitor started
 */
public record MonitorState(
    String primary,
    long primaryTimeline,
    String primaryLsn,
    Map<String, Integer> failures,
    Map<String, Long> firstFailureAtMillis,
    boolean paused,
    String pauseReason,
    String lastFailover,
    List<String> fenced,
    long rounds) {

  public MonitorState {
    failures = failures == null ? Map.of() : Map.copyOf(failures);
    firstFailureAtMillis =
        firstFailureAtMillis == null ? Map.of() : Map.copyOf(firstFailureAtMillis);
    fenced = fenced == null ? List.of() : List.copyOf(fenced);
  }
}
