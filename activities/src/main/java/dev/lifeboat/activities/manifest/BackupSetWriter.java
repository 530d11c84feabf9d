package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes one backup into one store: a fresh data key (when encrypting), the objects through the
 * pipeline, and finally the sealed manifest. Until {@link #seal} returns, the backup has no
 * manifest and so does not exist for restores, retention or verification.
 */
public final class BackupSetWriter {

  /** The streaming AEAD recorded in manifests. */
  public static final String ENCRYPTION_ALGORITHM = "AES256_GCM_HKDF_1MB";

  private final BackupStore store;
  private final String cluster;
  private final String backupId;
  private final CompressionSpec compression;
  private final KeyProvider kek;
  private final ObjectCodec codec;
  // Bundles are written by several readers at once.
  private final List<StoredObject> objects =
      java.util.Collections.synchronizedList(new ArrayList<>());
  private final Clock clock;
  private final String toolVersion;

  private BackupSetWriter(
      BackupStore store,
      String cluster,
      String backupId,
      CompressionSpec compression,
      KeyProvider kek,
      DataKey dataKey,
      Clock clock,
      String toolVersion) {
    this.store = store;
    this.cluster = cluster;
    this.backupId = backupId;
    this.compression = compression;
    this.kek = kek;
    this.codec = new ObjectCodec(compression, dataKey);
    this.clock = clock;
    this.toolVersion = toolVersion;
  }

  /**
   * Starts a backup.
   *
   * @param kek the key-encryption key for a new data key, or null for an unencrypted backup
   */
  public static BackupSetWriter begin(
      BackupStore store,
      String cluster,
      String backupId,
      CompressionSpec compression,
      KeyProvider kek,
      Clock clock,
      String toolVersion)
      throws IOException {
    DataKey dataKey = kek == null ? null : DataKeyStore.create(store, kek, cluster, backupId);
    return new BackupSetWriter(
        store, cluster, backupId, compression, kek, dataKey, clock, toolVersion);
  }

  /** Streams one object into the backup. */
  public StoredObject add(String path, InputStream source, ProgressListener progress)
      throws IOException {
    StoredObject stored =
        ObjectPipeline.write(
            source,
            store,
            BackupLayout.objectKey(cluster, backupId, path),
            path,
            BackupLayout.objectIdentity(cluster, backupId, path),
            codec,
            progress);
    objects.add(stored);
    return stored;
  }

  /** Writes and seals the manifest of a {@code stream} backup: from now on the backup exists. */
  public Manifest seal(
      BackupType type, String parentId, SourceInfo source, Map<String, Long> rowCounts)
      throws IOException {
    return seal(type, parentId, source, rowCounts, Manifest.METHOD_STREAM, List.of(), List.of());
  }

  /**
   * Writes and seals the manifest: from now on the backup exists.
   *
   * @param method {@link Manifest#METHOD_STREAM} or {@link Manifest#METHOD_FILES}
   * @param files the data directory's files, for the {@code files} method
   * @param directories the data directory's folders, for the {@code files} method
   */
  public Manifest seal(
      BackupType type,
      String parentId,
      SourceInfo source,
      Map<String, Long> rowCounts,
      String method,
      List<FileEntry> files,
      List<String> directories)
      throws IOException {
    return seal(type, parentId, source, rowCounts, method, files, directories, null);
  }

  /**
   * Writes and seals the manifest: from now on the backup exists.
   *
   * @param method {@link Manifest#METHOD_STREAM} or {@link Manifest#METHOD_FILES}
   * @param files the data directory's files, for the {@code files} method
   * @param directories the data directory's folders, for the {@code files} method
   * @param pageChecksums what verifying the stored pages' checksums found, or null when not done
   */
  public Manifest seal(
      BackupType type,
      String parentId,
      SourceInfo source,
      Map<String, Long> rowCounts,
      String method,
      List<FileEntry> files,
      List<String> directories,
      PageChecksumReport pageChecksums)
      throws IOException {
    Manifest.EncryptionInfo encryption =
        kek == null
            ? null
            : new Manifest.EncryptionInfo(
                ENCRYPTION_ALGORITHM,
                BackupLayout.dataKeyKey(cluster, backupId),
                kek.kind(),
                kek.keyId());
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT_VERSION,
            backupId,
            cluster,
            type,
            parentId,
            source.postgresVersion(),
            source.systemIdentifier(),
            source.timeline(),
            source.startLsn(),
            source.stopLsn(),
            source.startTime(),
            source.stopTime(),
            compression.type().label(),
            compression.level(),
            encryption,
            List.copyOf(objects),
            rowCounts,
            toolVersion,
            clock.instant(),
            method,
            files,
            directories,
            pageChecksums);
    ManifestStore.write(store, manifest);
    return manifest;
  }
}
