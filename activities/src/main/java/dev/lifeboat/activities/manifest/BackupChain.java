package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The backups a backup needs to be restored: its ancestors up to a full backup, and itself. */
public final class BackupChain {

  private BackupChain() {}

  /**
   * Reads the chain ending at a backup, oldest (the full backup) first.
   *
   * @throws IOException naming the missing link when an ancestor cannot be read from the store
   */
  public static List<Manifest> of(BackupStore store, Manifest newest) throws IOException {
    List<Manifest> chain = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Manifest current = newest;
    chain.add(current);
    while (current.parentId() != null) {
      if (!seen.add(current.backupId())) {
        throw new ManifestException(
            ManifestException.Kind.UNREADABLE,
            "the chain of backup " + newest.backupId() + " loops at " + current.backupId());
      }
      String parentId = current.parentId();
      try {
        current = ManifestStore.read(store, newest.cluster(), parentId);
      } catch (IOException e) {
        throw new IOException(
            "backup "
                + newest.backupId()
                + " needs its ancestor "
                + parentId
                + " in "
                + store.url()
                + ", which cannot be read: "
                + e.getMessage(),
            e);
      }
      chain.add(current);
    }
    Collections.reverse(chain);
    return List.copyOf(chain);
  }
}
