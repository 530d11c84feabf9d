package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.WrappedKey;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ObjectInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Re-wraps every data key in a store under a new key-encryption key, without touching backup data.
 * Safe to run again after an interruption: keys already under the new KEK are skipped.
 */
public final class KeyRotation {

  private KeyRotation() {}

  /**
   * The outcome of a rotation.
   *
   * @param rewrapped keys now wrapped by the new KEK
   * @param alreadyCurrent keys that were already wrapped by it
   * @param problems one sentence per key that could not be rotated
   */
  public record Report(int rewrapped, int alreadyCurrent, List<String> problems) {}

  /** Rotates every wrapped key in {@code store} from {@code from} to {@code to}. */
  public static Report rotate(BackupStore store, KeyProvider from, KeyProvider to)
      throws IOException {
    int rewrapped = 0;
    int current = 0;
    List<String> problems = new ArrayList<>();
    for (ObjectInfo object : store.list(BackupLayout.KEYS_PREFIX)) {
      String rest = object.key().substring(BackupLayout.KEYS_PREFIX.length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || !rest.endsWith(".json")) {
        continue;
      }
      String cluster = rest.substring(0, slash);
      String backupId = rest.substring(slash + 1, rest.length() - ".json".length());
      try {
        WrappedKey wrapped = DataKeyStore.load(store, cluster, backupId);
        if (wrapped.kekId().equals(to.keyId())) {
          current++;
          continue;
        }
        String context = BackupLayout.keyContext(cluster, backupId);
        byte[] material = from.unwrap(wrapped, context);
        try {
          DataKeyStore.save(store, cluster, backupId, to.wrap(material, context));
        } finally {
          Arrays.fill(material, (byte) 0);
        }
        rewrapped++;
      } catch (IOException e) {
        problems.add("backup " + backupId + " of cluster " + cluster + ": " + e.getMessage());
      }
    }
    return new Report(rewrapped, current, List.copyOf(problems));
  }
}
