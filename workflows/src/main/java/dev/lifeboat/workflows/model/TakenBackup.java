package dev.lifeboat.workflows.model;

/**
 * What the activity that took a full backup reports.
 *
 * @param copy the landing destination's copy
 * @param postgresVersion the source's {@code server_version}
 * @param timeline the timeline
 * @param startLsn where the backup starts
 * @param stopLsn where it is consistent
 * @param rawBytes plain bytes streamed from PostgreSQL
 */
public record TakenBackup(
    BackupCopy copy,
    String postgresVersion,
    long timeline,
    String startLsn,
    String stopLsn,
    long rawBytes) {}
