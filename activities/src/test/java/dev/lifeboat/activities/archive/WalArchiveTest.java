package dev.lifeboat.activities.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectIntegrityException;
import dev.lifeboat.activities.codec.SyntheticData;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import dev.lifeboat.workflows.model.Lsn;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalArchiveTest {

  private static final long SEGMENT = WalSegments.DEFAULT_SEGMENT_SIZE;
  private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  @TempDir Path dir;
  private BackupStore store;
  private KeyProvider kek;
  private WalArchive.Codec codec;

  @BeforeEach
  void open() throws Exception {
    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
    DataKey key = DataKey.generate();
    byte[] material = key.toBytes();
    DataKeyStore.save(
        store, "shop", "wal-run1", kek.wrap(material, BackupLayout.keyContext("shop", "wal-run1")));
    codec = new WalArchive.Codec(CompressionSpec.of(Compression.ZSTD), key, "wal-run1", "test");
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] segmentBytes(long seed) throws Exception {
    try (InputStream in = new SyntheticData(SEGMENT, seed)) {
      return in.readAllBytes();
    }
  }

  private WalSeal write(String name, byte[] bytes) throws Exception {
    return WalArchive.write(
        store,
        "shop",
        name,
        new ByteArrayInputStream(bytes),
        SEGMENT,
        codec,
        T0,
        ProgressListener.NONE);
  }

  @Test
  void aSegmentIsStoredWithASealAndReadsBackVerifiedAlone() throws Exception {
    byte[] bytes = segmentBytes(1);
    WalSeal seal = write("000000010000000000000042", bytes);

    assertThat(seal.startLsn()).isEqualTo("0/42000000");
    assertThat(seal.endLsn()).isEqualTo("0/43000000");
    assertThat(seal.rawSize()).isEqualTo(SEGMENT);
    assertThat(seal.size()).isLessThan(SEGMENT);
    assertThat(seal.encrypted()).isTrue();
    assertThat(seal.dataKeyId()).isEqualTo("wal-run1");
    assertThat(store.stat("shop/wal/000000010000000000000042")).isPresent();
    assertThat(store.stat("shop/wal/000000010000000000000042.seal.json")).isPresent();
    assertThat(WalArchive.contains(store, "shop", "000000010000000000000042")).isTrue();
    assertThat(WalArchive.contains(store, "shop", "000000010000000000000043")).isFalse();
    try (InputStream in = WalArchive.open(store, "shop", "000000010000000000000042", kek)) {
      assertThat(Arrays.equals(in.readAllBytes(), bytes)).isTrue();
    }
  }

  @Test
  void theSealNamesTheDatabaseSystemThatWroteTheSegment() throws Exception {
    byte[] bytes = new byte[(int) SEGMENT];
    bytes[0] = 0x10;
    bytes[1] = (byte) 0xD1;
    bytes[2] = 0x02; // XLP_LONG_HEADER
    long system = -42L; // above Long.MAX_VALUE as an unsigned identifier
    for (int i = 0; i < 8; i++) {
      bytes[24 + i] = (byte) (system >>> (8 * i));
    }

    write("000000010000000000000009", bytes);
    write("00000001000000000000000A", segmentBytes(3));

    assertThat(WalArchive.seal(store, "shop", "000000010000000000000009").orElseThrow())
        .extracting(WalSeal::systemIdentifier)
        .isEqualTo(Long.toUnsignedString(system));
    // Bytes that are no page header (synthetic data here) name no system.
    assertThat(WalArchive.seal(store, "shop", "00000001000000000000000A").orElseThrow())
        .extracting(WalSeal::systemIdentifier)
        .isNull();
    // An incremental of this system leaves the first to the archive, another system's does not.
    String ours = Long.toUnsignedString(system);
    assertThat(WalArchive.containsOf(store, "shop", "000000010000000000000009", ours)).isTrue();
    assertThat(WalArchive.containsOf(store, "shop", "000000010000000000000009", "42")).isFalse();
    assertThat(WalArchive.containsOf(store, "shop", "00000001000000000000000A", "42")).isTrue();
    assertThat(WalArchive.containsOf(store, "shop", "00000001000000000000000B", ours)).isFalse();
  }

  @Test
  void rewritingASegmentReplacesItAndLeavesOneCopy() throws Exception {
    write("000000010000000000000042", segmentBytes(1));
    byte[] again = segmentBytes(1);
    write("000000010000000000000042", again);

    assertThat(store.list("shop/wal/")).hasSize(2);
    assertThat(WalArchive.segments(store, "shop")).containsExactly("000000010000000000000042");
    WalArchive.verify(store, "shop", "000000010000000000000042", kek);
  }

  @Test
  void aChangedByteFailsTheReadAndASegmentWithoutSealIsNotArchived() throws Exception {
    write("000000010000000000000042", segmentBytes(1));
    Path object = dir.resolve("store/shop/wal/000000010000000000000042");
    try (RandomAccessFile file = new RandomAccessFile(object.toFile(), "rw")) {
      file.seek(1000);
      int b = file.read();
      file.seek(1000);
      file.write(b ^ 0x01);
    }
    assertThatThrownBy(() -> WalArchive.verify(store, "shop", "000000010000000000000042", kek))
        .isInstanceOf(ObjectIntegrityException.class);

    store.delete(WalArchive.sealKey("shop", "000000010000000000000042"));
    assertThat(WalArchive.contains(store, "shop", "000000010000000000000042")).isFalse();
    assertThat(WalArchive.segments(store, "shop")).isEmpty();
    assertThatThrownBy(() -> WalArchive.open(store, "shop", "000000010000000000000042", kek))
        .isInstanceOf(NoSuchObjectException.class);
  }

  @Test
  void aShortSegmentIsRefused() throws Exception {
    assertThatThrownBy(() -> write("000000010000000000000042", new byte[1000]))
        .hasMessageContaining("not the cluster's segment size");
    assertThat(store.stat("shop/wal/000000010000000000000042")).isEmpty();
  }

  @Test
  void theContinuityCheckNamesTheMissingSegments() throws Exception {
    write("000000010000000000000041", segmentBytes(1));
    write("000000010000000000000043", segmentBytes(3));
    write("00000002.history", "1\t0/44000000\tno reason\n".getBytes());

    assertThat(WalArchive.segments(store, "shop"))
        .containsExactly("000000010000000000000041", "000000010000000000000043");
    assertThat(WalArchive.histories(store, "shop")).containsExactly("00000002.history");
    assertThat(
            WalArchive.missing(
                store, "shop", 1, Lsn.parse("0/41000028"), Lsn.parse("0/43FFFFFF"), SEGMENT))
        .containsExactly("000000010000000000000042");
    assertThat(
            WalArchive.missing(
                store, "shop", 1, Lsn.parse("0/43000000"), Lsn.parse("0/44000000"), SEGMENT))
        .isEmpty();
  }

  @Test
  void segmentNamesFollowPostgres() {
    assertThat(WalSegments.containing(1, Lsn.parse("16/B374D848"), SEGMENT))
        .isEqualTo("0000000100000016000000B3");
    assertThat(WalSegments.next("0000000100000016000000FF", SEGMENT))
        .isEqualTo("000000010000001700000000");
    assertThat(WalSegments.endLsn("0000000100000016000000FF", SEGMENT))
        .isEqualTo(Lsn.parse("17/0"));
    assertThat(WalSegments.missing(List.of(), 1, 5, 5, SEGMENT)).isEmpty();
    assertThat(WalSegments.isSegment("000000010000000000000042.partial")).isFalse();
  }
}
