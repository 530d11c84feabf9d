package dev.lifeboat.activities.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestStoreTest {

  @TempDir Path dir;
  private BackupStore store;
  private Manifest written;

  @BeforeEach
  void writeABackup() throws Exception {
    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    written =
        TestBackups.write(
            store, LocalKeyProvider.openOrCreate(dir.resolve("kek.json")), "shop", "b1");
  }

  @Test
  void readsBackWhatWasWritten() throws Exception {
    Manifest read = ManifestStore.read(store, "shop", "b1");

    assertThat(read).isEqualTo(written);
    assertThat(read.objects()).hasSize(3);
    assertThat(read.encryption().keyProvider()).isEqualTo("local");
    assertThat(read.rowCounts()).containsEntry("properties", 10_000L);
    assertThat(ManifestStore.listBackupIds(store, "shop")).containsExactly("b1");
  }

  @Test
  void theJsonIsReadableByPeople() throws Exception {
    String json = text(BackupLayout.manifestKey("shop", "b1"));

    assertThat(json)
        .contains("\"formatVersion\" : " + Manifest.FORMAT_VERSION)
        .contains("\"startTime\" : \"2026-11-25T00:00:00Z\"")
        .contains("\"path\" : \"base/base.tar\"");
    assertThat(text(BackupLayout.checksumKey("shop", "b1")))
        .matches("[0-9a-f]{64}  manifest.json\n");
  }

  @Test
  void aMissingManifestMeansNoBackup() {
    ManifestException e =
        catchThrowableOfType(
            ManifestException.class, () -> ManifestStore.read(store, "shop", "b2"));

    assertThat(e.kind()).isEqualTo(ManifestException.Kind.MISSING);
    assertThat(e.getMessage())
        .contains("backup b2 of cluster shop")
        .contains("has no manifest.json");
  }

  @Test
  void aManifestWithoutItsChecksumIsUnsealed() throws Exception {
    store.delete(BackupLayout.checksumKey("shop", "b1"));

    assertThat(
            catchThrowableOfType(
                    ManifestException.class, () -> ManifestStore.read(store, "shop", "b1"))
                .kind())
        .isEqualTo(ManifestException.Kind.UNSEALED);
    assertThat(ManifestStore.listBackupIds(store, "shop")).isEmpty();
  }

  @Test
  void anEditedManifestIsCorrupted() throws Exception {
    String key = BackupLayout.manifestKey("shop", "b1");
    put(key, text(key).replace("\"users\" : 500", "\"users\" : 501"));

    ManifestException e =
        catchThrowableOfType(
            ManifestException.class, () -> ManifestStore.read(store, "shop", "b1"));

    assertThat(e.kind()).isEqualTo(ManifestException.Kind.CORRUPTED);
  }

  @Test
  void aNewerFormatIsRefusedWithAnUpgradeHint() throws Exception {
    Manifest future =
        new Manifest(
            Manifest.FORMAT_VERSION + 1,
            "b3",
            "shop",
            BackupType.FULL,
            null,
            "17.1",
            "1",
            1,
            "0/1",
            "0/2",
            TestBackups.T0,
            TestBackups.T0,
            "zstd",
            3,
            null,
            java.util.List.of(),
            java.util.Map.of(),
            "future",
            TestBackups.T0,
            null,
            null,
            null,
            null);
    ManifestStore.write(store, future);

    ManifestException e =
        catchThrowableOfType(
            ManifestException.class, () -> ManifestStore.read(store, "shop", "b3"));

    assertThat(e.kind()).isEqualTo(ManifestException.Kind.UNSUPPORTED);
    assertThat(e.getMessage()).contains("upgrade Lifeboat");
  }

  private String text(String key) throws Exception {
    try (InputStream in = store.open(key)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private void put(String key, String content) throws Exception {
    try (ObjectWriter writer = store.create(key)) {
      writer.write(content.getBytes(StandardCharsets.UTF_8));
      writer.commit();
    }
  }
}
