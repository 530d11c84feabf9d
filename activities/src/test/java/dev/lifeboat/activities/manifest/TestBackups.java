package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.SyntheticData;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.workflows.model.Compression;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** Writes small but complete backups for tests: three objects, a sealed manifest. */
public final class TestBackups {

  static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");

  private TestBackups() {}

  public static Manifest write(BackupStore store, KeyProvider kek, String cluster, String id)
      throws IOException {
    BackupSetWriter writer =
        BackupSetWriter.begin(
            store,
            cluster,
            id,
            CompressionSpec.of(Compression.ZSTD),
            kek,
            Clock.fixed(T0, ZoneOffset.UTC),
            "test");
    writer.add("base/base.tar", new SyntheticData(700_000, 1), ProgressListener.NONE);
    writer.add("base/pg_wal.tar", new SyntheticData(100_000, 2), ProgressListener.NONE);
    writer.add("backup_label", new SyntheticData(0, 3), ProgressListener.NONE);
    return writer.seal(
        BackupType.FULL,
        null,
        new SourceInfo(
            "15.18", "7300000000000000001", 1, "0/3000028", "0/3000138", T0, T0.plusSeconds(5)),
        Map.of("users", 500L, "properties", 10_000L));
  }
}
