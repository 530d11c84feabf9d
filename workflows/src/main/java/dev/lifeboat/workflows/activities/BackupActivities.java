package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.BaseBackupTask;
import dev.lifeboat.workflows.model.CopyTask;
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
   * Takes a full physical base backup of the source node into one destination, with per-table row
   * counts and the WAL needed for consistency, and seals its manifest. With the {@code stream}
   * method it streams {@code pg_basebackup}'s tar; with {@code files} it reads the data directory
   * between {@code pg_backup_start} and {@code pg_backup_stop} with several readers. Heartbeats the
   * bytes read so far against an estimate. Runs on the source node's region queue.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code MissingSecret}, {@code
   *     UnknownDestination} or {@code FilesSourceUnavailable}, not retryable
   */
  @ActivityMethod
  TakenBackup takeFull(BaseBackupTask task);

  /**
   * Takes an incremental backup on top of {@code task.parentId()}, which must be sealed in the same
   * destination and taken with the {@code files} method: relation files as page deltas (the pages
   * whose LSN is at or after the parent's start), new and shrunk files whole, unchanged files as
   * references, plus its own WAL for consistency; checks that the WAL from the parent's stop is
   * still available (in the WAL archive or on the server) so the chain has no gap.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code ParentNotUsable}, {@code WalGap} or the
   *     errors of {@link #takeFull}, not retryable
   */
  @ActivityMethod
  TakenBackup takeIncremental(BaseBackupTask task);

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
