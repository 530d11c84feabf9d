package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.model.TableRestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Brings one or more tables back as they were at a point in time, into the live cluster under a new
 * schema ({@code lifeboat_restored_<UTC time>}), by default beside the live tables: a scratch
 * {@link RestoreWorkflow} to the target, the tables moved into the new schema there, {@code pg_dump
 * -n} from the scratch server into {@code pg_restore} on the primary, and the scratch torn down
 * whatever happened. With {@code replace} and the tables repeated as confirmation, the restored
 * tables then take the live ones' places and the live ones are kept in a schema {@code
 * lifeboat_replaced_<UTC time>}. Start it with {@code lifeboat restore-table --cluster shop --table
 * public.alerts --target-time T [--replace --confirm public.alerts]}.
 */
@WorkflowInterface
public interface TableRestoreWorkflow {

  String TYPE = "TableRestoreWorkflow";

  /** Restores the tables (and replaces the live ones when asked and confirmed). */
  @WorkflowMethod(name = TYPE)
  TableRestoreResult restoreTables(TableRestoreRequest request);
}
