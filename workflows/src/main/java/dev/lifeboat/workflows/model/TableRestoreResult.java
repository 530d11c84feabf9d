package dev.lifeboat.workflows.model;

import java.util.Map;

/**
 * What {@code TableRestoreWorkflow} brought back.
 *
 * @param schema the new schema in the live cluster holding the restored tables
 * @param rows rows per restored table, by its name in the new schema
 * @param restore the scratch restore's report (it was torn down afterwards)
 */
public record TableRestoreResult(String schema, Map<String, Long> rows, RestoreReport restore) {

  public TableRestoreResult {
    rows = Map.copyOf(rows);
  }
}
