package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.model.TableRestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Brings one or more tables back as they were at a point in time, into the live cluster under a new
 * schema ({@code lifeboat_restored_<UTC time>}), never touching the live tables: a scratch {@link
 * RestoreWorkflow} to the target, the tables moved into the new schema there, {@code pg_dump -n}
 * from the scratch server into {@code pg_restore} on the primary, and the scratch torn down
 * whatever happened. Start it with {@code lifeboat restore-table --cluster shop --table
 * public.alerts --target-time T}.
 */
@WorkflowInterface
public interface TableRestoreWorkflow {

  String TYPE = "TableRestoreWorkflow";

  @WorkflowMethod(name = TYPE)
  TableRestoreResult restoreTables(TableRestoreRequest request);
}
