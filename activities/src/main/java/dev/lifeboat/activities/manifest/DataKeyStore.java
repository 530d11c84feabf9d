package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyUnavailableException;
import dev.lifeboat.activities.codec.keys.WrappedKey;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectWriter;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Keeps each backup's wrapped data key in the store ({@code keys/<cluster>/<id>.json}). Deleting it
 * is crypto-shredding: the backup's data can never be decrypted again, in any copy that relied on
 * it.
 */
public final class DataKeyStore {

  private DataKeyStore() {}

  /** Generates a data key for a new backup, wraps it and stores the wrapped key. */
  public static DataKey create(BackupStore store, KeyProvider kek, String cluster, String backupId)
      throws IOException {
    DataKey key = DataKey.generate();
    byte[] material = key.toBytes();
    try {
      save(
          store, cluster, backupId, kek.wrap(material, BackupLayout.keyContext(cluster, backupId)));
    } finally {
      Arrays.fill(material, (byte) 0);
    }
    return key;
  }

  /** Stores a wrapped key, replacing any previous one (rotation). */
  public static void save(BackupStore store, String cluster, String backupId, WrappedKey wrapped)
      throws IOException {
    try (ObjectWriter writer = store.create(BackupLayout.dataKeyKey(cluster, backupId))) {
      writer.write(ManifestStore.JSON.writeValueAsBytes(wrapped));
      writer.commit();
    }
  }

  /**
   * Loads a wrapped key.
   *
   * @throws KeyUnavailableException when there is none: the backup was shredded
   */
  public static WrappedKey load(BackupStore store, String cluster, String backupId)
      throws IOException {
    String key = BackupLayout.dataKeyKey(cluster, backupId);
    try {
      return ManifestStore.JSON.readValue(ManifestStore.get(store, key), WrappedKey.class);
    } catch (NoSuchObjectException e) {
      throw new KeyUnavailableException(
          "the data key of backup "
              + backupId
              + " is not in "
              + store.url()
              + " ("
              + key
              + "): the backup was crypto-shredded and cannot be decrypted");
    }
  }

  /** Loads and unwraps a backup's data key. */
  public static DataKey open(BackupStore store, KeyProvider kek, String cluster, String backupId)
      throws IOException {
    WrappedKey wrapped = load(store, cluster, backupId);
    byte[] material = kek.unwrap(wrapped, BackupLayout.keyContext(cluster, backupId));
    try {
      return DataKey.fromBytes(material);
    } catch (GeneralSecurityException e) {
      throw new KeyUnavailableException(
          "the data key of backup " + backupId + " unwrapped but is not a valid key", e);
    } finally {
      Arrays.fill(material, (byte) 0);
    }
  }

  /**
   * Deletes a backup's wrapped key: crypto-shredding.
   *
   * @return whether there was a key to delete
   */
  public static boolean shred(BackupStore store, String cluster, String backupId)
      throws IOException {
    return store.delete(BackupLayout.dataKeyKey(cluster, backupId));
  }
}
