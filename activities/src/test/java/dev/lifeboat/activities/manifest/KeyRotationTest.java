package dev.lifeboat.activities.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyRotationTest {

  @TempDir Path dir;

  @Test
  void rotationRewrapsKeysWithoutRewritingDataAndShreddingStillWorks() throws Exception {
    BackupStore store =
        BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    KeyProvider oldKek = LocalKeyProvider.openOrCreate(dir.resolve("kek-2025.json"));
    KeyProvider newKek = LocalKeyProvider.openOrCreate(dir.resolve("kek-2026.json"));
    TestBackups.write(store, oldKek, "shop", "b1");
    TestBackups.write(store, oldKek, "shop", "b2");
    TestBackups.write(store, oldKek, "billing", "b3");
    Map<String, ObjectInfo> dataBefore = dataObjects(store);

    KeyRotation.Report report = KeyRotation.rotate(store, oldKek, newKek);

    assertThat(report.rewrapped()).isEqualTo(3);
    assertThat(report.problems()).isEmpty();
    assertThat(dataObjects(store)).isEqualTo(dataBefore);
    for (String[] backup :
        List.of(
            new String[] {"shop", "b1"},
            new String[] {"shop", "b2"},
            new String[] {"billing", "b3"})) {
      assertThat(
              BackupVerifier.verify(store, backup[0], backup[1], newKek, ProgressListener.NONE)
                  .intact())
          .as("%s/%s with the new KEK", backup[0], backup[1])
          .isTrue();
      assertThat(
              BackupVerifier.verify(store, backup[0], backup[1], oldKek, ProgressListener.NONE)
                  .problems())
          .singleElement()
          .satisfies(p -> assertThat(p).contains("wrapped by " + newKek.keyId()));
    }

    KeyRotation.Report again = KeyRotation.rotate(store, oldKek, newKek);
    assertThat(again.rewrapped()).isZero();
    assertThat(again.alreadyCurrent()).isEqualTo(3);

    DataKeyStore.shred(store, "shop", "b2");
    assertThat(BackupVerifier.verify(store, "shop", "b2", newKek, ProgressListener.NONE).problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("crypto-shredded"));
    assertThat(BackupVerifier.verify(store, "shop", "b1", newKek, ProgressListener.NONE).intact())
        .isTrue();
  }

  private static Map<String, ObjectInfo> dataObjects(BackupStore store) throws Exception {
    return store.list("").stream()
        .filter(o -> o.key().contains("/data/"))
        .collect(Collectors.toMap(ObjectInfo::key, o -> o));
  }
}
