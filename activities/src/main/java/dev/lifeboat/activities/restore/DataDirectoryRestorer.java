package dev.lifeboat.activities.restore;

import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.manifest.BackupChain;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ProgressInputStream;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Lays out a PostgreSQL data directory from a backup. A {@code files} backup is restored with its
 * chain (the full backup and the incrementals up to it) by {@link FileSetRestorer}. For a {@code
 * stream} backup the manifest is checked, the base backup's tar is streamed from the store through
 * verification, decryption and decompression straight into {@code tar -x}, so nothing but the data
 * directory itself touches the disk. A corrupted or missing object stops the restore with the
 * object's name, and the target is removed again, never left half-written. A stream backup with a
 * parent is a block-level incremental; its chain is combined by {@link StreamChainRestorer}.
 */
public final class DataDirectoryRestorer {

  private DataDirectoryRestorer() {}

  /**
   * Restores a full backup into an empty or missing folder.
   *
   * @param kek the key-encryption key, for encrypted backups
   * @param target the new data directory; must not exist or be empty
   * @return the backup's manifest
   * @throws IOException naming what went wrong; the target is removed in that case
   */
  public static Manifest restore(
      BackupStore store, String cluster, String backupId, KeyProvider kek, Path target)
      throws IOException {
    return restore(
        store,
        cluster,
        backupId,
        kek,
        target,
        ProgressListener.NONE,
        dev.lifeboat.config.RestoreSettings.DEFAULT_WRITERS);
  }

  /**
   * Restores a backup, telling {@code progress} how many plain bytes were written so far (about the
   * chain's raw size at the end).
   *
   * @param writers bundles of a {@code files} backup written at once
   */
  public static Manifest restore(
      BackupStore store,
      String cluster,
      String backupId,
      KeyProvider kek,
      Path target,
      ProgressListener progress,
      int writers)
      throws IOException {
    if (!isEmpty(target)) {
      throw new IOException(
          "refusing to restore into "
              + target
              + ": it is not empty; choose a new folder, or pass --in-place --force to move it"
              + " aside first");
    }
    Manifest manifest = ManifestStore.read(store, cluster, backupId);
    if (Manifest.METHOD_FILES.equals(manifest.method())) {
      List<Manifest> chain = BackupChain.of(store, manifest);
      Files.createDirectories(target);
      try {
        FileSetRestorer.apply(store, chain, kek, target, progress, writers);
      } catch (IOException | RuntimeException e) {
        deleteTree(target);
        throw e;
      }
      return manifest;
    }
    if (manifest.parentId() != null) {
      List<Manifest> chain = BackupChain.of(store, manifest);
      try {
        StreamChainRestorer.restore(store, cluster, chain, kek, target, progress);
      } catch (IOException | RuntimeException e) {
        deleteTree(target);
        throw e;
      }
      return manifest;
    }
    StoredObject base =
        manifest.objects().stream()
            .filter(o -> o.path().equals("base.tar"))
            .findFirst()
            .orElseThrow(
                () ->
                    new IOException(
                        "backup " + backupId + " has no base.tar: it is not a full backup"));
    DataKey dataKey =
        manifest.encryption() == null ? null : DataKeyStore.open(store, kek, cluster, backupId);
    ObjectCodec codec = ObjectCodec.forReading(dataKey);
    Files.createDirectories(target);
    try (InputStream plain =
        ObjectPipeline.read(
            store,
            BackupLayout.objectKey(cluster, backupId, base.path()),
            base,
            BackupLayout.objectIdentity(cluster, backupId, base.path()),
            codec)) {
      untar(new ProgressInputStream(plain, progress), target);
    } catch (IOException | RuntimeException e) {
      deleteTree(target);
      throw e;
    }
    return manifest;
  }

  /** Streams a tar into {@code tar -x}; its own error lines explain a failure. */
  static void untar(InputStream tar, Path target) throws IOException {
    Process process =
        new ProcessBuilder("tar", "-x", "-f", "-", "-C", target.toString())
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = process.getOutputStream()) {
      tar.transferTo(in);
    } catch (IOException e) {
      process.destroyForcibly();
      throw e;
    }
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new IOException("tar could not lay out " + target + ": " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while extracting into " + target, e);
    }
  }

  /** Whether a folder is missing or has nothing in it. */
  static boolean isEmpty(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return true;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Removes a folder and everything in it; a missing folder is fine. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
