package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Restores a cluster from a backup chain (full, incrementals, archived WAL) into a new data
 * directory on the restoring region's worker, starts PostgreSQL on it, recovers to the target (a
 * time, an LSN, the backup's own end point, or the end of the archive), validates the result and
 * reports times per phase. A failed restore is torn down unless asked to keep it. Start it with
 * {@code lifeboat restore --cluster shop --to DIR --port P [--target-time T]}, or {@code temporal
 * workflow start --type RestoreWorkflow --task-queue lifeboat --input '{"cluster":"shop",
 * "directory":"/var/tmp/shop-restore","port":55499}'}.
 */
@WorkflowInterface
public interface RestoreWorkflow {

  String TYPE = "RestoreWorkflow";

  /** Runs the restore and returns its report. */
  @WorkflowMethod(name = TYPE)
  RestoreReport restore(RestoreRequest request);

  /** The current phase: planning, laying out, staging WAL, recovering, validating, done, failed. */
  @QueryMethod
  String phase();
}
