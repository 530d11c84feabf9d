package dev.lifeboat.activities.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.activities.codec.ObjectIntegrityException.Kind;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Round trips through every compression and encryption combination, and every corruption. */
class ObjectPipelineTest {

  private static final int MIB = 1024 * 1024;
  private static final String IDENTITY = "lifeboat:shop/b1/base.tar";

  @TempDir Path dir;
  private BackupStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = BackupStores.open("file://" + dir, StoreOptions.defaults());
  }

  /**
   * Sizes around the 1 MiB encryption segment and the copy buffer, plus random sizes drawn from a
   * fixed seed (so a failure reproduces), for each of the ten combinations.
   */
  static Stream<Arguments> combinations() {
    SplittableRandom random = new SplittableRandom(20261125);
    List<Arguments> cases = new ArrayList<>();
    for (Compression compression : Compression.values()) {
      for (boolean encrypted : new boolean[] {false, true}) {
        for (long size : new long[] {0, 1, MIB - 1, MIB, MIB + 1}) {
          cases.add(Arguments.of(compression, encrypted, size));
        }
        cases.add(Arguments.of(compression, encrypted, (long) random.nextInt(8 * MIB)));
      }
    }
    // The largest size once per algorithm family that backups use at scale.
    cases.add(Arguments.of(Compression.ZSTD, true, 64L * MIB));
    cases.add(Arguments.of(Compression.GZIP, true, 64L * MIB));
    cases.add(Arguments.of(Compression.LZ4, false, 64L * MIB));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} encrypted={1} size={2}")
  @MethodSource("combinations")
  void roundTripsExactly(Compression compression, boolean encrypted, long size) throws Exception {
    ObjectCodec codec =
        new ObjectCodec(CompressionSpec.of(compression), encrypted ? DataKey.generate() : null);
    List<Long> progress = new ArrayList<>();

    StoredObject stored =
        ObjectPipeline.write(
            new SyntheticData(size, size),
            store,
            "obj",
            "base.tar",
            IDENTITY,
            codec,
            progress::add);

    assertThat(stored.rawSize()).isEqualTo(size);
    assertThat(stored.compression()).isEqualTo(compression.label());
    assertThat(stored.encrypted()).isEqualTo(encrypted);
    assertThat(stored.size()).isEqualTo(store.stat("obj").orElseThrow().size());
    assertThat(stored.sha256()).isEqualTo(sha256(store.open("obj")));
    if (size > 0) {
      assertThat(progress).isNotEmpty().isSorted();
      assertThat(progress.get(progress.size() - 1)).isEqualTo(stored.size());
    }
    try (InputStream plain = ObjectPipeline.read(store, "obj", stored, IDENTITY, codec)) {
      assertThat(sha256(plain)).isEqualTo(sha256(new SyntheticData(size, size)));
    }
  }

  @Test
  void compressesDatabaseLikeDataWithEveryAlgorithm() throws Exception {
    long size = 4L * MIB;
    for (Compression compression :
        List.of(Compression.GZIP, Compression.ZSTD, Compression.LZ4, Compression.BROTLI)) {
      StoredObject stored =
          write(new ObjectCodec(CompressionSpec.of(compression), DataKey.generate()), size);
      assertThat(stored.size()).as(compression.label()).isLessThan(size * 3 / 4);
    }
  }

  @Test
  void everyLevelOfEveryAlgorithmRoundTripsAndHigherLevelsAreNotLarger() throws Exception {
    for (Compression compression : Compression.values()) {
      long previous = Long.MAX_VALUE;
      for (int level :
          new int[] {compression.minLevel(), compression.defaultLevel(), compression.maxLevel()}) {
        if (compression == Compression.BROTLI && level > 9
            || compression == Compression.ZSTD && level > 9) {
          continue; // The top levels are minutes per gigabyte; their round trip adds nothing here.
        }
        ObjectCodec codec = new ObjectCodec(new CompressionSpec(compression, level), null);
        StoredObject stored = write(codec, MIB);
        assertThat(ObjectPipeline.verify(store, "obj", stored, IDENTITY, codec)).isEqualTo(MIB);
        if (previous != Long.MAX_VALUE) {
          assertThat(stored.size())
              .as("%s level %d", compression.label(), level)
              .isLessThanOrEqualTo(previous + 64);
        }
        previous = stored.size();
      }
    }
  }

  @Test
  void aFlippedByteIsReportedAsCorruption() throws Exception {
    ObjectCodec codec = encryptedZstd();
    StoredObject stored = write(codec, 3 * MIB);
    flipByte("obj", stored.size() / 2);

    ObjectIntegrityException e = readExpectingFailure(stored, codec);

    assertThat(e.kind()).isEqualTo(Kind.CORRUPTED);
    assertThat(e.getMessage())
        .contains("'obj'")
        .contains("SHA-256 mismatch")
        .contains(stored.sha256());
  }

  @Test
  void aFlippedByteInAnUnencryptedObjectIsAlsoCaught() throws Exception {
    ObjectCodec codec = new ObjectCodec(CompressionSpec.of(Compression.NONE), null);
    StoredObject stored = write(codec, MIB);
    flipByte("obj", 12345);

    assertThat(readExpectingFailure(stored, codec).kind()).isEqualTo(Kind.CORRUPTED);
  }

  @Test
  void aTruncatedObjectIsReportedAsTruncated() throws Exception {
    ObjectCodec codec = encryptedZstd();
    StoredObject stored = write(codec, 3 * MIB);
    rewrite("obj", java.util.Arrays.copyOf(bytes("obj"), (int) stored.size() - 100));

    ObjectIntegrityException e = readExpectingFailure(stored, codec);

    assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
    assertThat(e.getMessage()).contains((stored.size() - 100) + " of " + stored.size() + " bytes");
  }

  @Test
  void appendedBytesAreReported() throws Exception {
    ObjectCodec codec = encryptedZstd();
    StoredObject stored = write(codec, MIB / 2);
    byte[] longer = java.util.Arrays.copyOf(bytes("obj"), (int) stored.size() + 7);
    rewrite("obj", longer);

    assertThat(readExpectingFailure(stored, codec).kind()).isEqualTo(Kind.OVERSIZED);
  }

  @Test
  void anotherDataKeyIsReportedAsUndecryptableNotAsCorruption() throws Exception {
    StoredObject stored = write(encryptedZstd(), MIB);
    ObjectCodec wrongKey = encryptedZstd();

    ObjectIntegrityException e = readExpectingFailure(stored, wrongKey);

    assertThat(e.kind()).isEqualTo(Kind.UNDECRYPTABLE);
    assertThat(e.getMessage()).contains("data key is wrong");
  }

  @Test
  void anObjectMovedToAnotherPathDoesNotDecrypt() throws Exception {
    ObjectCodec codec = encryptedZstd();
    StoredObject stored = write(codec, MIB);

    ObjectIntegrityException e =
        catchThrowableOfType(
            ObjectIntegrityException.class,
            () -> ObjectPipeline.verify(store, "obj", stored, "lifeboat:shop/b1/other.tar", codec));

    assertThat(e.kind()).isEqualTo(Kind.UNDECRYPTABLE);
  }

  @Test
  void aMissingObjectIsReportedAsMissing() throws Exception {
    ObjectCodec codec = encryptedZstd();
    StoredObject stored = write(codec, 10);
    store.delete("obj");

    assertThat(readExpectingFailure(stored, codec).kind()).isEqualTo(Kind.MISSING);
  }

  private ObjectCodec encryptedZstd() {
    return new ObjectCodec(CompressionSpec.of(Compression.ZSTD), DataKey.generate());
  }

  private StoredObject write(ObjectCodec codec, long size) throws IOException {
    return ObjectPipeline.write(
        new SyntheticData(size, 7),
        store,
        "obj",
        "base.tar",
        IDENTITY,
        codec,
        ProgressListener.NONE);
  }

  private ObjectIntegrityException readExpectingFailure(StoredObject stored, ObjectCodec codec) {
    return catchThrowableOfType(
        ObjectIntegrityException.class,
        () -> ObjectPipeline.verify(store, "obj", stored, IDENTITY, codec));
  }

  private byte[] bytes(String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    }
  }

  private void rewrite(String key, byte[] content) throws IOException {
    try (ObjectWriter writer = store.create(key)) {
      writer.write(content);
      writer.commit();
    }
  }

  private void flipByte(String key, long offset) throws IOException {
    byte[] content = bytes(key);
    content[(int) offset] ^= 0x01;
    rewrite(key, content);
  }

  private static String sha256(InputStream in) throws Exception {
    try (in) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
