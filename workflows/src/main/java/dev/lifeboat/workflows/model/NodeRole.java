package dev.lifeboat.workflows.model;

/** What a node said it is when probed. */
public enum NodeRole {
  /** Accepts writes: {@code pg_is_in_recovery()} is false. */
  PRIMARY,
  /** In recovery, replaying WAL from a primary or an archive. */
  STANDBY,
  /** Not reachable, so its role is not known. */
  UNKNOWN
}
