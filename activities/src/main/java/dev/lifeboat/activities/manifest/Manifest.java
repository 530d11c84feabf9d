package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.StoredObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: everything needed to trust and restore one backup. Its format is
 * documented in docs/manifest.md; {@link #FORMAT_VERSION} changes when a field changes meaning.
 *
 * @param formatVersion the manifest format, {@link #FORMAT_VERSION}
 * @param backupId the backup's id, for example {@code 20261125T000000Z-full}
 * @param cluster the cluster it was taken from
 * @param type full, incremental or WAL
 * @param parentId the backup this one builds on, or null for a full backup
 * @param postgresVersion {@code server_version} of the source
 * @param systemIdentifier the source cluster's system identifier
 * @param timeline the timeline at the start of the backup
 * @param startLsn WAL position where the backup starts
 * @param stopLsn WAL position where the backup is consistent
 * @param startTime when the backup started
 * @param stopTime when the backup finished
 * @param compression the algorithm's label and level, e.g. {@code zstd}
 * @param compressionLevel the level used
 * @param encryption how the data key is kept, or null for an unencrypted backup
 * @param objects every stored object with its size and SHA-256
 * @param rowCounts rows per user table at the backup's end point, for restore validation
 * @param toolVersion the Lifeboat version that wrote it
 * @param createdAt when the manifest was written
 * @param method how the data was read: {@code stream} ({@code pg_basebackup} into one tar object)
 *     or {@code files} (the data directory's files read directly into bundles); null in format 1
 *     manifests, which are all {@code stream}
 * @param files with the {@code files} method: every file of the data directory at this backup's end
 *     point, and where its content is; empty for {@code stream}
 * @param directories with the {@code files} method: every directory to create, relative to the data
 *     directory, so that empty ones such as {@code pg_wal} exist after a restore
 * @param pageChecksums with the {@code files} method on a cluster with data checksums: what the
 *     verification of the stored pages found; null when Lifeboat did not verify them (the {@code
 *     stream} method's {@code pg_basebackup} verifies them itself and fails on a bad page)
 */
public record Manifest(
    int formatVersion,
    String backupId,
    String cluster,
    BackupType type,
    String parentId,
    String postgresVersion,
    String systemIdentifier,
    long timeline,
    String startLsn,
    String stopLsn,
    Instant startTime,
    Instant stopTime,
    String compression,
    int compressionLevel,
    EncryptionInfo encryption,
    List<StoredObject> objects,
    Map<String, Long> rowCounts,
    String toolVersion,
    Instant createdAt,
    String method,
    List<FileEntry> files,
    List<String> directories,
    PageChecksumReport pageChecksums) {

  /**
   * The manifest format this code writes and reads. Format 2 added {@code method}, {@code files}
   * and {@code directories}; format 1 manifests read as {@code stream} backups. Format 3 added
   * difference records to page deltas (see {@code PageRecords}), which a format 2 reader would
   * write as pages at the wrong block, so it must refuse them. Format 4 added moved difference
   * records (a difference taken after moving the chain's tuples where the new page has them), which
   * a format 3 reader would write as whole pages at the wrong block.
   */
  public static final int FORMAT_VERSION = 4;

  /** The {@code pg_basebackup} tar method. */
  public static final String METHOD_STREAM = "stream";

  /** The method that reads the data directory's files during {@code pg_backup_start/stop}. */
  public static final String METHOD_FILES = "files";

  public Manifest {
    objects = objects == null ? List.of() : List.copyOf(objects);
    method = method == null ? METHOD_STREAM : method;
    files = files == null ? List.of() : List.copyOf(files);
    directories = directories == null ? List.of() : List.copyOf(directories);
    rowCounts =
        rowCounts == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(rowCounts));
  }

  /** Total bytes stored for this backup. */
  public long storedBytes() {
    return objects.stream().mapToLong(StoredObject::size).sum();
  }

  /** Total plain bytes of this backup. */
  public long rawBytes() {
    return objects.stream().mapToLong(StoredObject::rawSize).sum();
  }

  /**
   * How a backup's data key is kept.
   *
   * @param algorithm the streaming AEAD, {@code AES256_GCM_HKDF_1MB}
   * @param dataKeyRef key of the wrapped data key object in the store
   * @param keyProvider {@code local} or {@code aws-kms}
   * @param kekId the key-encryption key that wrapped it when the backup was taken
   */
  public record EncryptionInfo(
      String algorithm, String dataKeyRef, String keyProvider, String kekId) {}
}
