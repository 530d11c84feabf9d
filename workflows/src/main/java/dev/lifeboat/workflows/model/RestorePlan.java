package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What a restore will do, decided before anything is written.
 *
 * @param cluster the cluster
 * @param backupId the backup restored
 * @param chain the backups laid out, the full backup first
 * @param destination where they are read from
 * @param backupStopLsn where the backup is consistent
 * @param backupStopTime when the backup finished
 * @param archiveEnd when the newest archived WAL segment was stored, or null without an archive
 * @param sourceNode the node whose credentials the restored server accepts
 */
public record RestorePlan(
    String cluster,
    String backupId,
    List<String> chain,
    String destination,
    String backupStopLsn,
    String backupStopTime,
    String archiveEnd,
    NodeSpec sourceNode) {

  public RestorePlan {
    chain = List.copyOf(chain);
  }
}
