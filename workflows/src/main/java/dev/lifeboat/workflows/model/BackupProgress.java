package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What a running {@code BackupWorkflow} answers to its {@code progress} query.
 *
 * @param backupId the backup's id, once chosen
 * @param phase {@code starting}, {@code streaming}, {@code copying}, {@code done} or {@code failed}
 * @param landing the destination being written first, once chosen
 * @param completeCopies destinations holding a sealed copy so far
 */
public record BackupProgress(
    String backupId, String phase, String landing, List<String> completeCopies) {

  public BackupProgress {
    completeCopies = completeCopies == null ? List.of() : List.copyOf(completeCopies);
  }
}
