package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.RecoveryOutcome;
import dev.lifeboat.workflows.model.RestorePlan;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.RestoreStep;
import dev.lifeboat.workflows.model.RestoreTask;
import dev.lifeboat.workflows.model.ValidationOutcome;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Activities that restore a backup chain into a new data directory and prove it runs. All but
 * {@link #plan} run on the restoring host's region queue. Each is idempotent: a retry starts its
 * step over (a layout removes its half-written directory first).
 */
@ActivityInterface(namePrefix = "Restore_")
public interface RestoreActivities {

  /**
   * Chooses the backup and its chain and checks the request against them: a target before the
   * backup's end or after the archive's end is refused with the reason.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidRequest} or {@code
   *     NoBackupForTarget}, not retryable
   */
  @ActivityMethod
  RestorePlan plan(RestoreRequest request);

  /**
   * Lays out the data directory from the chain: every object fetched, its SHA-256 verified while
   * streaming, decrypted and decompressed. Refuses a non-empty directory. A missing or corrupted
   * object fails the step naming it and the backup, and nothing is left in the directory.
   * Heartbeats its progress.
   */
  @ActivityMethod
  RestoreStep layOut(RestoreTask task);

  /**
   * Stages the archived WAL the recovery needs beside the data directory (verified, decrypted) and
   * writes the recovery settings: {@code restore_command} reading the stage, the target, and the
   * action at the target.
   */
  @ActivityMethod
  RestoreStep stageWal(RestoreTask task);

  /**
   * Starts PostgreSQL on the restored directory and waits, heartbeating, until recovery reaches the
   * target (or the end of the WAL), then reports where it ended. A server that stops during
   * recovery fails the step with the log's last error.
   */
  @ActivityMethod
  RecoveryOutcome recover(RestoreTask task);

  /**
   * Checks the restored server: row counts against the manifest (when restored to the backup's own
   * end point), {@code amcheck} on the indexes of user tables (when promoted), and that every user
   * table can be read.
   */
  @ActivityMethod
  ValidationOutcome validate(RestoreTask task);

  /**
   * Stamps the restored backup's copy "proven restorable at T, in N seconds" ({@code proven.json}
   * beside its manifest), after a scratch restore whose validation passed.
   */
  @ActivityMethod
  void recordProof(RestoreReport report);

  /**
   * Copies tables from a restored server into the live primary under a new schema: moves them into
   * the schema on the restored server (dropping their foreign keys, which would tie the copy to
   * live rows), then {@code pg_dump -n schema | pg_restore} into the primary.
   *
   * @param primary the live primary to restore into
   * @param tables schema-qualified table names
   * @param schema the new schema; the step fails if it exists in the primary
   * @return rows per copied table
   */
  @ActivityMethod
  java.util.Map<String, Long> copyTables(
      RestoreTask task, NodeSpec primary, java.util.List<String> tables, String schema);

  /**
   * Replaces live tables of the primary with the copies {@link #copyTables} put in {@code
   * restoredSchema}, in one transaction: each live table is moved into {@code replacedSchema}
   * (kept, with its rows, indexes and constraints), the copy moves into the live table's schema,
   * gets the live table's foreign keys and owner, and its sequences are set no lower than the live
   * ones (so no id handed out since the backup is handed out again). A table that other tables'
   * foreign keys or views refer to is refused, since they would go on pointing at the old one.
   * Idempotent: tables already swapped are skipped.
   *
   * @return for each replaced table, where its old version is kept
   * @throws io.temporal.failure.ApplicationFailure {@code InvalidRequest}, not retryable, naming
   *     what refers to a table; nothing is replaced then
   */
  @ActivityMethod
  java.util.Map<String, String> replaceTables(
      RestoreTask task,
      NodeSpec primary,
      java.util.List<String> tables,
      String restoredSchema,
      String replacedSchema);

  /** Stops the restored server if it runs and removes its directory and WAL stage. */
  @ActivityMethod
  void tearDown(RestoreTask task);
}
