package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Verifies one backup in every configured destination at once: every object re-read, sizes and
 * SHA-256 checked, decrypted and decompressed, every problem reported. A destination without the
 * backup reports its missing manifest. Sets {@code DrOutcome} to {@code intact} or {@code damaged}.
 *
 * <p>{@code lifeboat backup verify ID}, or {@code temporal workflow start --type
 * VerifyBackupWorkflow --task-queue lifeboat --input '"shop"' --input '"20261125T000000Z-full"'}.
 */
@WorkflowInterface
public interface VerifyBackupWorkflow {

  String TYPE = "VerifyBackupWorkflow";

  /**
   * Verifies a backup.
   *
   * @param cluster the cluster
   * @param backupId the backup
   * @return one verification per destination
   */
  @WorkflowMethod(name = TYPE)
  List<VerificationSummary> verify(String cluster, String backupId);
}
