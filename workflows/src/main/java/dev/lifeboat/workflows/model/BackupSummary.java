package dev.lifeboat.workflows.model;

import java.time.Instant;

/**
 * One sealed backup in one destination, as its manifest describes it.
 *
 * @param backupId the backup's id
 * @param type {@code FULL}, {@code INCREMENTAL} or {@code WAL}
 * @param stopTime when the backup finished
 * @param stopLsn where it is consistent
 * @param rawBytes plain bytes
 * @param storedBytes bytes stored in this destination
 * @param destination the destination holding this copy
 * @param parentId the backup an incremental builds on, or null for a full backup
 * @param verifiedAt when this copy last passed a verification, or null if never
 * @param provenAt when this copy was last proven restorable by a test restore, or null if never
 * @param pageChecksums what verifying the data page checksums found when the backup was taken, such
 *     as {@code 151,230 pages verified, none failed}; null when Lifeboat did not verify them
 */
public record BackupSummary(
    String backupId,
    String type,
    Instant stopTime,
    String stopLsn,
    long rawBytes,
    long storedBytes,
    String destination,
    String parentId,
    Instant verifiedAt,
    Instant provenAt,
    String pageChecksums) {

  /**
   * Whether the backup stored data pages that failed checksum verification when it was taken: the
   * source's storage was corrupting data. Read from {@link #pageChecksums}, which says {@code none
   * failed} when every page verified.
   */
  public boolean storedDamagedPages() {
    return pageChecksums != null && !pageChecksums.endsWith(", none failed");
  }

  /** A copy whose page checksums are not known. */
  public BackupSummary(
      String backupId,
      String type,
      Instant stopTime,
      String stopLsn,
      long rawBytes,
      long storedBytes,
      String destination,
      String parentId,
      Instant verifiedAt,
      Instant provenAt) {
    this(
        backupId,
        type,
        stopTime,
        stopLsn,
        rawBytes,
        storedBytes,
        destination,
        parentId,
        verifiedAt,
        provenAt,
        null);
  }

  /** A copy that was never proven restorable. */
  public BackupSummary(
      String backupId,
      String type,
      Instant stopTime,
      String stopLsn,
      long rawBytes,
      long storedBytes,
      String destination,
      String parentId,
      Instant verifiedAt) {
    this(
        backupId,
        type,
        stopTime,
        stopLsn,
        rawBytes,
        storedBytes,
        destination,
        parentId,
        verifiedAt,
        null);
  }

  /** A full backup's copy that was never verified. */
  public BackupSummary(
      String backupId,
      String type,
      Instant stopTime,
      String stopLsn,
      long rawBytes,
      long storedBytes,
      String destination) {
    this(backupId, type, stopTime, stopLsn, rawBytes, storedBytes, destination, null, null);
  }
}
