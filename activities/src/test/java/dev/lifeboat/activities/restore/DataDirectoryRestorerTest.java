package dev.lifeboat.activities.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.ObjectIntegrityException;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.BackupSetWriter;
import dev.lifeboat.activities.manifest.BackupType;
import dev.lifeboat.activities.manifest.SourceInfo;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryRestorerTest {

  @TempDir Path dir;
  private BackupStore store;
  private KeyProvider kek;

  @BeforeEach
  void writeABackupOfAFolder() throws Exception {
    Path source = dir.resolve("source");
    Files.createDirectories(source.resolve("global"));
    Files.writeString(source.resolve("PG_VERSION"), "15\n");
    Files.write(source.resolve("global/pg_control"), new byte[8192]);
    Process tar =
        new ProcessBuilder(
                "tar", "-c", "-f", dir.resolve("base.tar").toString(), "-C", source.toString(), ".")
            .start();
    assertThat(tar.waitFor()).isZero();

    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
    BackupSetWriter writer =
        BackupSetWriter.begin(
            store,
            "shop",
            "b1",
            CompressionSpec.of(Compression.ZSTD),
            kek,
            Clock.systemUTC(),
            "test");
    try (InputStream in = Files.newInputStream(dir.resolve("base.tar"))) {
      writer.add("base.tar", in, ProgressListener.NONE);
    }
    Instant now = Instant.now();
    writer.seal(
        BackupType.FULL, null, new SourceInfo("15.18", "1", 1, "0/1", "0/2", now, now), Map.of());
  }

  @Test
  void laysOutTheDataDirectory() throws Exception {
    Path target = dir.resolve("restored");

    DataDirectoryRestorer.restore(store, "shop", "b1", kek, target);

    assertThat(target.resolve("PG_VERSION")).hasContent("15");
    assertThat(target.resolve("global/pg_control")).hasSize(8192);
  }

  @Test
  void refusesANonEmptyTargetAndTouchesNothing() throws Exception {
    Path target = dir.resolve("busy");
    Files.createDirectories(target);
    Files.writeString(target.resolve("PG_VERSION"), "14\n");

    assertThatThrownBy(() -> DataDirectoryRestorer.restore(store, "shop", "b1", kek, target))
        .hasMessageContaining("refusing to restore into " + target + ": it is not empty");
    assertThat(target.resolve("PG_VERSION")).hasContent("14");
  }

  @Test
  void aCorruptedObjectStopsTheRestoreNamesItAndLeavesNoTarget() throws Exception {
    String key = BackupLayout.objectKey("shop", "b1", "base.tar");
    byte[] content;
    try (InputStream in = store.open(key)) {
      content = in.readAllBytes();
    }
    content[content.length / 2] ^= 1;
    try (ObjectWriter writer = store.create(key)) {
      writer.write(content);
      writer.commit();
    }
    Path target = dir.resolve("restored");

    assertThatThrownBy(() -> DataDirectoryRestorer.restore(store, "shop", "b1", kek, target))
        .isInstanceOf(ObjectIntegrityException.class)
        .hasMessageContaining("base.tar");
    assertThat(target).doesNotExist();
  }
}
