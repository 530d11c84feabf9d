package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.BackupInventory;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Lists the sealed backups of a cluster in every configured destination, like {@link
 * ListBackupsWorkflow}, but a destination that cannot be listed is reported instead of failing the
 * whole answer: the status needs to say which destination is down. Start it with {@code lifeboat
 * backup status --cluster shop}, or with {@code temporal workflow execute --type
 * BackupInventoryWorkflow --task-queue lifeboat-orchestration --input '"shop"'}.
 */
@WorkflowInterface
public interface BackupInventoryWorkflow {

  String TYPE = "BackupInventoryWorkflow";

  /**
   * Lists backups per destination.
   *
   * @param cluster the cluster
   * @return the copies found, and the destinations that could not be listed with the reason
   */
  @WorkflowMethod(name = TYPE)
  BackupInventory inventory(String cluster);
}
