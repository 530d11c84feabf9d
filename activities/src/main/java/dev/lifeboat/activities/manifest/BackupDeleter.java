package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ObjectInfo;
import java.io.IOException;
import java.util.List;

/**
 * Deletes one backup from one store, in the order that is safe at every step:
 *
 * <ol>
 *   <li>the wrapped data key, so the data is unreadable at once (crypto-shredding), even if the
 *       rest of the deletion is interrupted;
 *   <li>the manifest's seal, so the backup stops being a backup for restores and retention;
 *   <li>the manifest and the objects.
 * </ol>
 *
 * Running it again after an interruption finishes the job.
 */
public final class BackupDeleter {

  private BackupDeleter() {}

  /**
   * What a deletion removed.
   *
   * @param keyShredded whether a wrapped data key was deleted
   * @param objectsDeleted objects deleted under the backup's folder, manifest included
   */
  public record Result(boolean keyShredded, int objectsDeleted) {}

  /** Deletes a backup; deleting one that is already gone does nothing and succeeds. */
  public static Result delete(BackupStore store, String cluster, String backupId)
      throws IOException {
    boolean shredded = DataKeyStore.shred(store, cluster, backupId);
    int deleted = store.delete(BackupLayout.checksumKey(cluster, backupId)) ? 1 : 0;
    List<ObjectInfo> rest = store.list(BackupLayout.backupPrefix(cluster, backupId));
    for (ObjectInfo object : rest) {
      if (store.delete(object.key())) {
        deleted++;
      }
    }
    return new Result(shredded, deleted);
  }
}
