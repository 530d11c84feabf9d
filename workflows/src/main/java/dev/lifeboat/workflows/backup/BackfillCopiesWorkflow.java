package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.BackupCopy;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Brings a backup's missing copies back once their destinations return. {@code BackupWorkflow}
 * starts it as an abandoned child when it succeeded on a quorum with copies missing; it keeps
 * retrying each copy with backoff (up to 10 minutes apart) for up to seven days.
 */
@WorkflowInterface
public interface BackfillCopiesWorkflow {

  String TYPE = "BackfillCopiesWorkflow";

  /**
   * Copies a sealed backup to the destinations that miss it.
   *
   * @param cluster the cluster
   * @param backupId the backup
   * @param from a destination holding a sealed copy
   * @param missing the destinations to copy to
   * @return the copies made
   */
  @WorkflowMethod(name = TYPE)
  List<BackupCopy> backfill(String cluster, String backupId, String from, List<String> missing);
}
