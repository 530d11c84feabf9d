package dev.lifeboat.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * The result of {@code BackupWorkflow}.
 *
 * @param backupId the backup's id
 * @param cluster the cluster
 * @param type {@code full} or {@code incremental}
 * @param sourceNode the node it was read from
 * @param startLsn where it starts
 * @param stopLsn where it is consistent
 * @param rawBytes plain bytes
 * @param quorum copies that were required
 * @param copies one entry per destination, complete or not
 * @param startedAt workflow time at the start
 * @param finishedAt workflow time at the end
 * @param parentId the backup an incremental builds on, or null
 * @param method how it was read: {@code files} or {@code stream}
 * @param shareOfFull stored bytes as a share of the chain's full backup (1 for a full backup)
 * @param warnings what the operator must hear about the backup, such as pages that failed checksum
 *     verification; empty when none
 */
public record BackupResult(
    String backupId,
    String cluster,
    String type,
    String sourceNode,
    String startLsn,
    String stopLsn,
    long rawBytes,
    int quorum,
    List<BackupCopy> copies,
    Instant startedAt,
    Instant finishedAt,
    String parentId,
    String method,
    double shareOfFull,
    List<String> warnings) {

  public BackupResult {
    copies = List.copyOf(copies);
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** The number of sealed copies. */
  public long completeCopies() {
    return copies.stream().filter(BackupCopy::complete).count();
  }
}
