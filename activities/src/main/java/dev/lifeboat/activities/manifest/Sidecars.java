package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Reads and writes the small JSON files kept beside a sealed backup's manifest ({@code
 * copies.json}, {@code verified.json}, {@code proven.json}), which are not part of the backup.
 */
final class Sidecars {

  private Sidecars() {}

  /** Writes or replaces one sidecar of a backup. */
  static void write(BackupStore store, String cluster, String backupId, String name, Object value)
      throws IOException {
    try (ObjectWriter writer = store.create(BackupLayout.backupPrefix(cluster, backupId) + name)) {
      writer.write(ManifestStore.JSON.writeValueAsBytes(value));
      writer.commit();
    }
  }

  /** One sidecar of a backup, if it was written. */
  static <T> Optional<T> read(
      BackupStore store, String cluster, String backupId, String name, Class<T> type)
      throws IOException {
    try (InputStream in = store.open(BackupLayout.backupPrefix(cluster, backupId) + name)) {
      return Optional.of(ManifestStore.JSON.readValue(in, type));
    } catch (NoSuchObjectException e) {
      return Optional.empty();
    }
  }
}
