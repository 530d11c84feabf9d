package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Expires backups older than the retention ({@code BACKUP_RETENTION}, 30 days by default) in every
 * destination, never the newest backup of the cluster. Deleting shreds each backup's data key
 * first. Without {@code apply} it only returns the plan.
 *
 * <p>{@code lifeboat backup cleanup --older-than 30d [--apply]}, or {@code temporal workflow start
 * --type RetentionWorkflow --task-queue lifeboat --input
 * '{"cluster":"shop","olderThanDays":30,"apply":false}'}.
 */
@WorkflowInterface
public interface RetentionWorkflow {

  String TYPE = "RetentionWorkflow";

  /**
   * Plans and optionally applies retention.
   *
   * @param request the cluster, the retention, and whether to delete
   * @return what is expired and kept, and what failed to delete
   */
  @WorkflowMethod(name = TYPE)
  RetentionPlan run(RetentionRequest request);
}
