package dev.lifeboat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.workflows.model.Compression;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupSettingsTest {

  private static final Path SOURCE = Path.of("/etc/lifeboat/lifeboat.yaml");
  private static final String CLUSTERS =
      "clusters:\n  shop:\n    nodes:\n      - {name: sydney, region: sydney, host: h, port: 5432}\n";

  private static LifeboatConfig parse(Map<String, String> env, String backup) {
    return new ConfigLoader(env).parse(SOURCE, CLUSTERS + backup);
  }

  @Test
  void readsDestinationsKeysAndDefaults() {
    BackupSettings backup =
        parse(
                Map.of(),
                """
                backup:
                  destinations:
                    - {name: nas, url: file:///mnt/nas/backups}
                    - name: s3
                      url: s3://my-backups/shop
                      region: ap-southeast-2
                      credentialsSecret: aws-backup
                """)
            .requireBackup();

    assertThat(backup.strategy()).isEqualTo("daily");
    assertThat(backup.retentionDays()).isEqualTo(30);
    assertThat(backup.compression()).isEqualTo(Compression.ZSTD);
    assertThat(backup.compressionLevel()).isEqualTo(3);
    assertThat(backup.encryption()).isTrue();
    assertThat(backup.keys().provider()).isEqualTo("local");
    assertThat(backup.keys().file()).isEqualTo(Path.of("/etc/lifeboat/.tools/state/keys/kek.json"));
    assertThat(backup.destinations())
        .extracting(BackupSettings.DestinationSettings::url)
        .containsExactly("file:///mnt/nas/backups", "s3://my-backups/shop");
    assertThat(backup.destinations().get(1).partSizeMiB()).isEqualTo(16);
  }

  @Test
  void maxRateIsReadInPgBasebackupsUnits() {
    String destinations = "backup:\n  destinations:\n    - {name: nas, url: file:///mnt/nas}\n";
    assertThat(parse(Map.of(), destinations).requireBackup().maxBytesPerSecond()).isZero();
    assertThat(
            parse(Map.of("BACKUP_MAX_RATE", "8M"), destinations)
                .requireBackup()
                .maxBytesPerSecond())
        .isEqualTo(8L << 20);
    assertThat(
            parse(Map.of("BACKUP_MAX_RATE", "500"), destinations)
                .requireBackup()
                .maxBytesPerSecond())
        .isEqualTo(500L << 10);
  }

  @Test
  void theReferenceDeploymentsVariablesWinAndMakeDestinations() {
    BackupSettings backup =
        parse(
                Map.of(
                    "BACKUP_STRATEGY", "hourly",
                    "BACKUP_RETENTION", "14",
                    "BACKUP_COMPRESSION", "brotli",
                    "BACKUP_ENCRYPTION", "false",
                    "BACKUP_BUCKET", "my-backups",
                    "BACKUP_S3_REGION", "ap-southeast-2",
                    "BACKUP_GCS_PROJECT", "my-project",
                    "BACKUP_AZURE_ACCOUNT", "myaccount"),
                "")
            .requireBackup();

    assertThat(backup.strategy()).isEqualTo("hourly");
    assertThat(backup.retentionDays()).isEqualTo(14);
    assertThat(backup.compression()).isEqualTo(Compression.BROTLI);
    assertThat(backup.compressionLevel()).isEqualTo(5);
    assertThat(backup.encryption()).isFalse();
    assertThat(backup.destinations())
        .extracting(BackupSettings.DestinationSettings::url)
        .containsExactly("s3://my-backups", "gs://my-backups", "azblob://myaccount/my-backups");
    assertThat(backup.destinations().get(0).region()).isEqualTo("ap-southeast-2");
    assertThat(backup.destinations().get(1).project()).isEqualTo("my-project");
  }

  @Test
  void aBadVariableIsNamedWithTheAllowedValues() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                parse(
                    Map.of(
                        "BACKUP_COMPRESSION",
                        "lzma",
                        "BACKUP_ENCRYPTION",
                        "maybe",
                        "BACKUP_BUCKET",
                        "backups-1"),
                    ""));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "BACKUP_COMPRESSION: 'lzma' is not allowed; use gzip|zstd|lz4|brotli|none",
            "BACKUP_ENCRYPTION: 'maybe' is not allowed; use true|false");
  }

  @Test
  void badDestinationsAreEachReported() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                parse(
                    Map.of(),
                    """
                    backup:
                      compression: gzip
                      compressionLevel: 12
                      keys: {provider: aws-kms}
                      destinations:
                        - {name: a, url: ftp://host/x}
                        - {name: a, url: s3://Bad_Bucket}
                    """));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "backup.compressionLevel: 12 is out of range; expected a level 1-9 for gzip",
            "backup.keys.kmsKeyId: missing; the aws-kms provider needs a key id, ARN or alias such as alias/lifeboat",
            "backup.destinations[0].url: 'ftp://host/x' is not a destination URL; use file:///path, s3://bucket/prefix, gs://bucket/prefix or azblob://account/container/prefix",
            "backup.destinations[1].name: 'a' is used twice; destination names must be unique",
            "backup.destinations[1].url: 's3://Bad_Bucket' is not a destination URL; use file:///path, s3://bucket/prefix, gs://bucket/prefix or azblob://account/container/prefix");
  }

  @Test
  void withoutABackupSectionBackupsAreNotConfigured() {
    LifeboatConfig config = parse(Map.of(), "");

    assertThat(config.backup()).isNull();
    assertThatThrownBy(config::requireBackup)
        .hasMessageContaining(
            "backup: not configured; add a backup section with destinations, or set BACKUP_BUCKET");
  }
}
