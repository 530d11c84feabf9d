package dev.lifeboat.workflows.model;

import java.util.Map;

/**
 * What {@code TableRestoreWorkflow} brought back.
 *
 * @param schema the new schema in the live cluster holding the restored tables
 * @param rows rows per restored table, by its name in the new schema
 * @param restore the scratch restore's report (it was torn down afterwards)
 * @param replaced with {@code replace}: each live table replaced, and where its old version is kept
 *     ({@code lifeboat_replaced_<UTC time>.<table>}); empty otherwise
 */
public record TableRestoreResult(
    String schema, Map<String, Long> rows, RestoreReport restore, Map<String, String> replaced) {

  public TableRestoreResult {
    rows = Map.copyOf(rows);
    replaced = replaced == null ? Map.of() : Map.copyOf(replaced);
  }

  /** Tables brought back beside the live ones. */
  public TableRestoreResult(String schema, Map<String, Long> rows, RestoreReport restore) {
    this(schema, rows, restore, Map.of());
  }
}
