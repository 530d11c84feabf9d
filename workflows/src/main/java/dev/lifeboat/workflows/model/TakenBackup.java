package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What the activity that took a full backup reports.
 *
 * @param copy the landing destination's copy
 * @param postgresVersion the source's {@code server_version}
 * @param timeline the timeline
 * @param startLsn where the backup starts
 * @param stopLsn where it is consistent
 * @param rawBytes plain bytes read from PostgreSQL
 * @param method how it was read: {@code files} or {@code stream}
 * @param shareOfFull stored bytes as a share of the chain's full backup (1 for a full backup)
 * @param warnings what the operator must hear about the backup, such as pages that failed checksum
 *     verification; empty when none (and in results recorded before the field existed)
 */
public record TakenBackup(
    BackupCopy copy,
    String postgresVersion,
    long timeline,
    String startLsn,
    String stopLsn,
    long rawBytes,
    String method,
    double shareOfFull,
    List<String> warnings) {

  public TakenBackup {
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** A backup taken without warnings. */
  public TakenBackup(
      BackupCopy copy,
      String postgresVersion,
      long timeline,
      String startLsn,
      String stopLsn,
      long rawBytes,
      String method,
      double shareOfFull) {
    this(copy, postgresVersion, timeline, startLsn, stopLsn, rawBytes, method, shareOfFull, null);
  }

  /** A full backup taken with {@code pg_basebackup}. */
  public TakenBackup(
      BackupCopy copy,
      String postgresVersion,
      long timeline,
      String startLsn,
      String stopLsn,
      long rawBytes) {
    this(copy, postgresVersion, timeline, startLsn, stopLsn, rawBytes, "stream", 1.0);
  }
}
