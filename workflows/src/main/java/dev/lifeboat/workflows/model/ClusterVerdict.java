package dev.lifeboat.workflows.model;

/** The overall state of a cluster after one round of probes. */
public enum ClusterVerdict {
  /** Exactly one primary, every standby reachable and streaming from it. */
  HEALTHY,
  /** Exactly one primary, but a standby is unreachable or not streaming. */
  DEGRADED,
  /** No reachable node says it is primary. */
  NO_PRIMARY,
  /** More than one node says it is primary: writes may diverge. */
  SPLIT_BRAIN;

  /** Returns the lower-case word used for the {@code DrOutcome} search attribute. */
  public String outcome() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
