package dev.lifeboat.activities.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupVerifierTest {

  @TempDir Path dir;
  private BackupStore store;
  private KeyProvider kek;
  private Manifest manifest;

  @BeforeEach
  void writeABackup() throws Exception {
    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
    manifest = TestBackups.write(store, kek, "shop", "b1");
  }

  @Test
  void anIntactBackupVerifies() throws Exception {
    BackupVerifier.Report report =
        BackupVerifier.verify(store, "shop", "b1", kek, ProgressListener.NONE);

    assertThat(report.problems()).isEmpty();
    assertThat(report.intact()).isTrue();
    assertThat(report.objectsChecked()).isEqualTo(3);
    assertThat(report.storedBytes()).isEqualTo(manifest.storedBytes());
    assertThat(report.plainBytes()).isEqualTo(800_000);
  }

  @Test
  void reportsEveryProblemNotOnlyTheFirst() throws Exception {
    String base = BackupLayout.objectKey("shop", "b1", "base/base.tar");
    byte[] content;
    try (InputStream in = store.open(base)) {
      content = in.readAllBytes();
    }
    content[100] ^= 0x40;
    put(base, content);
    store.delete(BackupLayout.objectKey("shop", "b1", "base/pg_wal.tar"));
    put(BackupLayout.objectKey("shop", "b1", "stray"), new byte[] {1});

    BackupVerifier.Report report =
        BackupVerifier.verify(store, "shop", "b1", kek, ProgressListener.NONE);

    assertThat(report.intact()).isFalse();
    assertThat(report.problems())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("base/base.tar").contains("SHA-256 mismatch"))
        .anySatisfy(p -> assertThat(p).contains("base/pg_wal.tar").contains("is missing"))
        .anySatisfy(p -> assertThat(p).contains("stray").contains("not listed in the manifest"));
    assertThat(report.objectsChecked()).isEqualTo(1);
  }

  @Test
  void aBackupWithoutManifestIsReportedAsSuch() throws Exception {
    store.delete(BackupLayout.manifestKey("shop", "b1"));

    BackupVerifier.Report report =
        BackupVerifier.verify(store, "shop", "b1", kek, ProgressListener.NONE);

    assertThat(report.problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("has no manifest.json"));
  }

  @Test
  void aShreddedBackupCanNoLongerBeDecrypted() throws Exception {
    assertThat(DataKeyStore.shred(store, "shop", "b1")).isTrue();

    BackupVerifier.Report report =
        BackupVerifier.verify(store, "shop", "b1", kek, ProgressListener.NONE);

    assertThat(report.problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("crypto-shredded and cannot be decrypted"));
    assertThat(report.objectsChecked()).isZero();
  }

  private void put(String key, byte[] content) throws Exception {
    try (ObjectWriter writer = store.create(key)) {
      writer.write(content);
      writer.commit();
    }
  }
}
