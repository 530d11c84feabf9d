package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.CopyTask;
import dev.lifeboat.workflows.model.FullBackupTask;
import dev.lifeboat.workflows.model.TakenBackup;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Activities that write backups into the configured destinations through the data plane (compress,
 * encrypt, hash, store). Every one is idempotent: a retry after a crash first removes what the
 * failed attempt left, and a backup only exists once its manifest is sealed.
 */
@ActivityInterface(namePrefix = "Backup_")
public interface BackupActivities {

  /** Returns the names of the backup destinations configured on this worker, in order. */
  @ActivityMethod
  List<String> destinations();

  /**
   * Streams a full physical base backup ({@code pg_basebackup} in tar format, WAL included) from
   * the source node into one destination, with per-table row counts, and seals its manifest.
   * Heartbeats the bytes streamed so far. Runs on the source node's region queue.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code MissingSecret} or {@code
   *     UnknownDestination}, not retryable
   */
  @ActivityMethod
  TakenBackup takeFull(FullBackupTask task);

  /**
   * Copies a sealed backup between destinations byte for byte (no decryption), checking every
   * object's SHA-256 against the manifest as it reads, and seals the copy last.
   */
  @ActivityMethod
  BackupCopy copy(CopyTask task);

  /** Lists the sealed backups of a cluster in one destination, oldest first. */
  @ActivityMethod
  List<BackupSummary> list(String cluster, String destination);

  /**
   * Verifies one backup's copy in one destination: re-reads every object, checks sizes and SHA-256,
   * decrypts and decompresses, and reports every problem. Heartbeats its progress.
   */
  @ActivityMethod
  VerificationSummary verify(String cluster, String backupId, String destination);

  /**
   * Deletes one backup's copy from one destination: its data key first (crypto-shredding), then its
   * seal, manifest and objects. Deleting a missing backup succeeds.
   */
  @ActivityMethod
  void delete(String cluster, String backupId, String destination);
}
