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
 * @param replace true to replace the live tables with the restored ones: each live table is kept,
 *     moved into schema {@code lifeboat_replaced_<UTC time>}, and the restored one takes its place
 *     with the live table's foreign keys, owner and sequence positions; refused for a table that
 *     other tables' foreign keys or views refer to
 * @param confirm the tables to replace, repeated as the explicit confirmation {@code replace} needs
 *     ({@code --confirm}); must name exactly {@code tables}
 */
public record TableRestoreRequest(
    String cluster,
    List<String> tables,
    String targetTime,
    String backupId,
    String destination,
    String scratchDirectory,
    int scratchPort,
    boolean replace,
    List<String> confirm) {

  public TableRestoreRequest {
    tables = tables == null ? List.of() : List.copyOf(tables);
    confirm = confirm == null ? List.of() : List.copyOf(confirm);
  }

  /** Tables brought back beside the live ones. */
  public TableRestoreRequest(
      String cluster,
      List<String> tables,
      String targetTime,
      String backupId,
      String destination,
      String scratchDirectory,
      int scratchPort) {
    this(
        cluster,
        tables,
        targetTime,
        backupId,
        destination,
        scratchDirectory,
        scratchPort,
        false,
        List.of());
  }
}
