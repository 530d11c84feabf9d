package dev.lifeboat.activities.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.SyntheticData;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalPrunerTest {

  private static final long SEGMENT = WalSegments.DEFAULT_SEGMENT_SIZE;

  @TempDir Path dir;
  private BackupStore store;
  private KeyProvider kek;

  @BeforeEach
  void open() throws Exception {
    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Archives segments 0x10.. of timeline 1 with the data key of one archiver run. */
  private void archive(String run, int from, int to) throws Exception {
    DataKey key = DataKey.generate();
    DataKeyStore.save(
        store, "shop", run, kek.wrap(key.toBytes(), BackupLayout.keyContext("shop", run)));
    WalArchive.Codec codec =
        new WalArchive.Codec(CompressionSpec.of(Compression.ZSTD), key, run, "test");
    for (int n = from; n <= to; n++) {
      try (InputStream in = new SyntheticData(SEGMENT, n)) {
        WalArchive.write(
            store,
            "shop",
            WalSegments.name(1, n, SEGMENT),
            in,
            SEGMENT,
            codec,
            Instant.now(),
            ProgressListener.NONE);
      }
    }
  }

  @Test
  void walBeforeTheOldestKeptBackupGoesAndKeysNoSegmentUsesAreShredded() throws Exception {
    archive("wal-run1", 0x10, 0x12);
    archive("wal-run2", 0x13, 0x15);
    long keepFrom = 0x14 * SEGMENT + 0x28; // the oldest kept backup stopped inside segment 0x14
    Instant later = Instant.now().plus(Duration.ofDays(2));

    WalPruner.Result plan = WalPruner.prune(store, "shop", keepFrom, later, false);
    assertThat(plan.segments())
        .containsExactly(
            "000000010000000000000010", "000000010000000000000011",
            "000000010000000000000012", "000000010000000000000013");
    assertThat(plan.keysShredded()).containsExactly("wal-run1");
    assertThat(WalArchive.segments(store, "shop")).hasSize(6);

    WalPruner.Result applied = WalPruner.prune(store, "shop", keepFrom, later, true);
    assertThat(applied.segments()).hasSize(4);
    assertThat(WalArchive.segments(store, "shop"))
        .containsExactly("000000010000000000000014", "000000010000000000000015");
    assertThat(store.stat(BackupLayout.dataKeyKey("shop", "wal-run1"))).isEmpty();
    assertThat(store.stat(BackupLayout.dataKeyKey("shop", "wal-run2"))).isPresent();
    // What is left still decrypts: its key was kept.
    assertThat(WalArchive.verify(store, "shop", "000000010000000000000015", kek)).isNotNull();
  }

  @Test
  void aKeyCreatedMomentsAgoIsKeptEvenWithoutSegments() throws Exception {
    DataKey key = DataKey.generate();
    DataKeyStore.save(
        store,
        "shop",
        "wal-new",
        kek.wrap(key.toBytes(), BackupLayout.keyContext("shop", "wal-new")));

    WalPruner.Result result = WalPruner.prune(store, "shop", 0, Instant.now(), true);

    assertThat(result.keysShredded()).isEmpty();
    assertThat(store.stat(BackupLayout.dataKeyKey("shop", "wal-new"))).isPresent();
  }
}
