package dev.lifeboat.activities.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.SyntheticData;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.BackupSetWriter;
import dev.lifeboat.activities.manifest.BackupType;
import dev.lifeboat.activities.manifest.BackupVerifier;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.manifest.SourceInfo;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.config.BackupSettings;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole data plane as configured in the repository's lifeboat.yaml: the four destinations of
 * the reference deployment (S3 on moto, GCS on fake-gcs-server, Azure on Azurite, a NAS folder),
 * the local key-encryption key, zstd and encryption. A backup is written to each, verified, and
 * then damaged in one place to show that verification names exactly that.
 */
class DataPlaneIT {

  @TempDir Path dir;
  private BackupSettings backup;
  private SecretResolver secrets;
  private KeyProvider kek;
  private final String backupId = "it-" + UUID.randomUUID();

  @BeforeEach
  void loadTheDemoConfiguration() throws Exception {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("LIFEBOAT_KEY_FILE", dir.resolve("kek.json").toString());
    env.put("LIFEBOAT_NAS_DIR", dir.resolve("nas").toString());
    // Tests write to their own buckets, with their own key, apart from the demo's backups.
    env.put("BACKUP_BUCKET", "lifeboat-it");
    Path root = Path.of("..").toAbsolutePath().normalize();
    LifeboatConfig config = new ConfigLoader(env).load(root.resolve("lifeboat.yaml"));
    backup = config.requireBackup();
    secrets = new SecretResolver(config.secretsDir(), env);
    kek = KeyProviders.open(backup.keys(), secrets);
  }

  @Test
  void aBackupWrittenToEveryDestinationVerifiesAndDamageIsNamed() throws Exception {
    // The demo's destinations say createIfMissing, so opening them creates the buckets.
    assertThat(backup.destinations())
        .extracting(DestinationSettings::name)
        .containsExactly("s3", "gcs", "azure", "nas");

    for (DestinationSettings destination : backup.destinations()) {
      try (BackupStore store = DestinationStores.open(destination, secrets)) {
        Manifest manifest = writeBackup(store);
        assertThat(ManifestStore.read(store, "shop", backupId)).isEqualTo(manifest);
        assertThat(manifest.encryption().keyProvider()).isEqualTo("local");

        BackupVerifier.Report intact =
            BackupVerifier.verify(store, "shop", backupId, kek, ProgressListener.NONE);
        assertThat(intact.problems()).as(destination.name()).isEmpty();
        assertThat(intact.objectsChecked()).isEqualTo(2);
        assertThat(intact.plainBytes()).isEqualTo(12L * 1024 * 1024 + 300_000);

        flipAByte(store, BackupLayout.objectKey("shop", backupId, "base/base.tar"));
        BackupVerifier.Report damaged =
            BackupVerifier.verify(store, "shop", backupId, kek, ProgressListener.NONE);
        assertThat(damaged.problems())
            .as(destination.name())
            .singleElement()
            .satisfies(
                p ->
                    assertThat(p)
                        .contains("base/base.tar")
                        .contains("SHA-256 mismatch")
                        .contains(store.url()));

        assertThat(DataKeyStore.shred(store, "shop", backupId)).isTrue();
        assertThat(
                BackupVerifier.verify(store, "shop", backupId, kek, ProgressListener.NONE)
                    .problems())
            .singleElement()
            .satisfies(p -> assertThat(p).contains("crypto-shredded"));
      }
    }
  }

  private Manifest writeBackup(BackupStore store) throws Exception {
    BackupSetWriter writer =
        BackupSetWriter.begin(
            store,
            "shop",
            backupId,
            new CompressionSpec(backup.compression(), backup.compressionLevel()),
            backup.encryption() ? kek : null,
            Clock.systemUTC(),
            "it");
    // Larger than two 5 MiB parts after compression would be too slow to generate; 12 MiB of
    // plain bytes still spans several encryption segments and, uncompressed, several parts.
    writer.add("base/base.tar", new SyntheticData(12L * 1024 * 1024, 42), ProgressListener.NONE);
    writer.add("base/pg_wal.tar", new SyntheticData(300_000, 43), ProgressListener.NONE);
    Instant now = Instant.now();
    return writer.seal(
        BackupType.FULL,
        null,
        new SourceInfo("15.18", "7300000000000000001", 1, "0/3000028", "0/3000138", now, now),
        Map.of("users", 500L));
  }

  private static void flipAByte(BackupStore store, String key) throws Exception {
    byte[] content;
    try (InputStream in = store.open(key)) {
      content = in.readAllBytes();
    }
    content[content.length / 2] ^= 0x10;
    try (ObjectWriter writer = store.create(key)) {
      writer.write(content);
      writer.commit();
    }
  }
}
