package dev.lifeboat.config;

import dev.lifeboat.workflows.model.Compression;
import java.util.List;

/**
 * The {@code backup} section of lifeboat.yaml, after the {@code BACKUP_*} environment variables the
 * reference deployment's operators already use have been applied.
 *
 * @param strategy {@code daily}, {@code weekly}, {@code hourly} or {@code continuous} ({@code
 *     BACKUP_STRATEGY})
 * @param retentionDays days a backup is kept ({@code BACKUP_RETENTION}, default 30)
 * @param compression algorithm ({@code BACKUP_COMPRESSION}, default zstd)
 * @param compressionLevel level within the algorithm's range (default: the algorithm's)
 * @param encryption whether backups are encrypted ({@code BACKUP_ENCRYPTION}, default true)
 * @param keys the key-encryption key
 * @param destinations where copies go; at least one
 * @param maxRate the cap on the bytes a base backup reads per second (e.g. {@code 50M}), to spare a
 *     busy primary's disks: {@code pg_basebackup --max-rate} for the stream source, the readers'
 *     shared pace for the files source; kilobytes per second, or a number with k or M; null for no
 *     limit ({@code BACKUP_MAX_RATE})
 * @param source how base backups read the data: {@code files} (the data directory's files, read by
 *     the worker on the database host; needed for incrementals), {@code stream} ({@code
 *     pg_basebackup}, from any host) or {@code auto} (default: {@code files} when the worker can
 *     read the node's data directory, else {@code stream}) ({@code BACKUP_SOURCE})
 * @param readers files read at once by the {@code files} source (default 2)
 * @param pageDifferences whether a {@code files} incremental stores a changed page as its
 *     difference from the parent's page, read back from the destination (default true; {@code
 *     BACKUP_PAGE_DIFFERENCES}); false stores changed pages whole and reads nothing back
 */
public record BackupSettings(
    String strategy,
    int retentionDays,
    Compression compression,
    int compressionLevel,
    boolean encryption,
    KeySettings keys,
    List<DestinationSettings> destinations,
    String maxRate,
    String source,
    int readers,
    boolean pageDifferences) {

  public static final List<String> STRATEGIES = List.of("daily", "weekly", "hourly", "continuous");

  public static final String SOURCE_AUTO = "auto";
  public static final List<String> SOURCES = List.of(SOURCE_AUTO, "files", "stream");
  public static final int DEFAULT_READERS = 2;

  public BackupSettings {
    destinations = List.copyOf(destinations);
  }

  /** The read cap in bytes per second, or 0 for none. */
  public long maxBytesPerSecond() {
    return maxRate == null ? 0 : RestoreSettings.parseRate(maxRate);
  }

  /**
   * The key-encryption key that wraps each backup's data key.
   *
   * @param provider {@code local} or {@code aws-kms}
   * @param file the key file of the {@code local} provider (created mode 0600 on first use)
   * @param kmsKeyId key id, ARN or alias of the {@code aws-kms} provider
   * @param region AWS region of the KMS key
   * @param endpoint KMS endpoint override (emulators), or null
   * @param credentialsSecret secret holding {@code ACCESS_KEY_ID:SECRET_ACCESS_KEY}, or null for
   *     the SDK's chain
   */
  public record KeySettings(
      String provider,
      java.nio.file.Path file,
      String kmsKeyId,
      String region,
      String endpoint,
      String credentialsSecret) {}

  /**
   * One backup destination.
   *
   * @param name a short name, unique, used in manifests and messages
   * @param url {@code file:///path}, {@code s3://bucket/prefix}, {@code gs://bucket/prefix} or
   *     {@code azblob://account/container/prefix}
   * @param region S3 region
   * @param project Google Cloud project
   * @param endpoint endpoint override (emulators, S3-compatible stores), or null
   * @param credentialsSecret secret with the credentials ({@code ID:SECRET} for S3 and Azure, the
   *     service-account JSON for GCS), or null for the SDK's standard chain
   * @param partSizeMiB multipart part or block size in MiB (default 16)
   * @param parallelism parts uploaded at once (default 4)
   * @param createIfMissing whether the worker creates the bucket or container on first use (default
   *     false: buckets are provisioned with their policies beforehand)
   */
  public record DestinationSettings(
      String name,
      String url,
      String region,
      String project,
      String endpoint,
      String credentialsSecret,
      int partSizeMiB,
      int parallelism,
      boolean createIfMissing) {}
}
