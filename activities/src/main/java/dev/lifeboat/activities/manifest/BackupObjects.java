package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import java.io.IOException;
import java.io.InputStream;

/** Reads one object of a sealed backup by its path: verified, decrypted and decompressed. */
public final class BackupObjects {

  private BackupObjects() {}

  /**
   * Opens the plain bytes of the object at {@code path} of {@code manifest}'s backup.
   *
   * @param kek the key-encryption key; null for a backup that is not encrypted
   * @throws IOException when the backup has no such object, or reading it fails
   */
  public static InputStream open(
      BackupStore store, String cluster, Manifest manifest, String path, KeyProvider kek)
      throws IOException {
    StoredObject object =
        manifest.objects().stream()
            .filter(o -> o.path().equals(path))
            .findFirst()
            .orElseThrow(
                () ->
                    new IOException(
                        "backup " + manifest.backupId() + " has no object named " + path));
    DataKey dataKey =
        manifest.encryption() == null
            ? null
            : DataKeyStore.open(store, kek, cluster, manifest.backupId());
    return ObjectPipeline.read(
        store,
        BackupLayout.objectKey(cluster, manifest.backupId(), path),
        object,
        BackupLayout.objectIdentity(cluster, manifest.backupId(), path),
        ObjectCodec.forReading(dataKey));
  }
}
