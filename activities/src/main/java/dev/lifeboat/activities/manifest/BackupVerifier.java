package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Proves a stored backup is intact: its manifest is sealed, every object is there with the recorded
 * size and SHA-256, and decrypts and decompresses to the recorded size. Every problem is reported,
 * not only the first.
 */
public final class BackupVerifier {

  private BackupVerifier() {}

  /**
   * The outcome of a verification.
   *
   * @param backupId the backup
   * @param storeUrl where it was verified
   * @param objectsChecked objects read end to end
   * @param storedBytes stored bytes read
   * @param plainBytes plain bytes produced
   * @param problems one sentence each; empty when the backup is intact
   */
  public record Report(
      String backupId,
      String storeUrl,
      int objectsChecked,
      long storedBytes,
      long plainBytes,
      List<String> problems) {

    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /**
   * Verifies one backup in one store.
   *
   * @param kek the key-encryption key, used only when the backup is encrypted
   * @param progress told the stored bytes verified so far
   */
  public static Report verify(
      BackupStore store,
      String cluster,
      String backupId,
      KeyProvider kek,
      ProgressListener progress)
      throws IOException {
    List<String> problems = new ArrayList<>();
    Manifest manifest;
    try {
      manifest = ManifestStore.read(store, cluster, backupId);
    } catch (ManifestException e) {
      return new Report(backupId, store.url(), 0, 0, 0, List.of(e.getMessage()));
    }
    DataKey dataKey = null;
    if (manifest.encryption() != null) {
      try {
        dataKey = DataKeyStore.open(store, kek, cluster, backupId);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    ObjectCodec codec = ObjectCodec.forReading(dataKey);

    int checked = 0;
    long stored = 0;
    long plain = 0;
    Set<String> expectedKeys = new HashSet<>();
    for (StoredObject object : manifest.objects()) {
      String key = BackupLayout.objectKey(cluster, backupId, object.path());
      expectedKeys.add(key);
      if (object.encrypted() && dataKey == null) {
        continue;
      }
      try {
        plain +=
            ObjectPipeline.verify(
                store,
                key,
                object,
                BackupLayout.objectIdentity(cluster, backupId, object.path()),
                codec);
        checked++;
        stored += object.size();
        progress.bytesTransferred(stored);
      } catch (IOException e) {
        problems.add(e.getMessage());
      }
    }
    String dataPrefix = BackupLayout.backupPrefix(cluster, backupId) + "data/";
    for (ObjectInfo info : store.list(dataPrefix)) {
      if (!expectedKeys.contains(info.key())) {
        problems.add(
            "object '" + info.key() + "' in " + store.url() + " is not listed in the manifest");
      }
    }
    return new Report(backupId, store.url(), checked, stored, plain, List.copyOf(problems));
  }
}
