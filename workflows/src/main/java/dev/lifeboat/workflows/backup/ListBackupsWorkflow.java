package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.BackupSummary;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Lists the sealed backups of a cluster in every configured destination, reading their manifests.
 * Start it with {@code lifeboat backup list --cluster shop}, or with {@code temporal workflow
 * execute --type ListBackupsWorkflow --task-queue lifeboat --input '"shop"'}.
 */
@WorkflowInterface
public interface ListBackupsWorkflow {

  String TYPE = "ListBackupsWorkflow";

  /**
   * Lists backups.
   *
   * @param cluster the cluster
   * @return one entry per backup copy, by backup id then destination order
   */
  @WorkflowMethod(name = TYPE)
  List<BackupSummary> list(String cluster);
}
