package dev.lifeboat.activities.manifest;

/** What a backup holds. */
public enum BackupType {
  /** A physical base backup of the whole cluster. */
  FULL,
  /** What changed since the parent backup, plus the WAL from the parent's stop LSN. */
  INCREMENTAL,
  /** Archived WAL segments only. */
  WAL
}
