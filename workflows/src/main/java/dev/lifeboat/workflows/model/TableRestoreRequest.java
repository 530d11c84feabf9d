package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * Input of {@code TableRestoreWorkflow}. As JSON: {@code {"cluster": "shop", "tables":
 * ["public.alerts"], "targetTime": "2026-11-25T10:00:00Z"}} brings the table back as it was at that
 * time into a new schema of the live cluster, next to the live table.
 *
 * @param cluster the cluster
 * @param tables schema-qualified tables to bring back
 * @param targetTime the instant to restore them as of (ISO-8601); null with {@code backupId} for
 *     the backup's end point, or for the end of the archive
 * @param backupId the backup to start from; null to choose
 * @param destination the destination to restore from; null for the first configured
 * @param scratchDirectory where the scratch restore goes; null for {@code
 *     /var/tmp/lifeboat-table-restore-<workflow id>}
 * @param scratchPort the scratch server's port
 */
public record TableRestoreRequest(
    String cluster,
    List<String> tables,
    String targetTime,
    String backupId,
    String destination,
    String scratchDirectory,
    int scratchPort) {

  public TableRestoreRequest {
    tables = tables == null ? List.of() : List.copyOf(tables);
  }
}
