package dev.lifeboat.activities.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupDeleterTest {

  @TempDir Path dir;

  @Test
  void deletesKeySealManifestAndObjectsAndLeavesOtherBackups() throws Exception {
    BackupStore store =
        BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    KeyProvider kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
    TestBackups.write(store, kek, "shop", "b1");
    TestBackups.write(store, kek, "shop", "b2");

    BackupDeleter.Result result = BackupDeleter.delete(store, "shop", "b1");

    assertThat(result.keyShredded()).isTrue();
    assertThat(result.objectsDeleted()).isEqualTo(5);
    assertThat(store.list("")).extracting(ObjectInfo::key).noneMatch(k -> k.contains("b1"));
    assertThat(ManifestStore.listBackupIds(store, "shop")).containsExactly("b2");
    assertThat(BackupVerifier.verify(store, "shop", "b2", kek, p -> {}).intact()).isTrue();

    BackupDeleter.Result again = BackupDeleter.delete(store, "shop", "b1");
    assertThat(again).isEqualTo(new BackupDeleter.Result(false, 0));
  }
}
