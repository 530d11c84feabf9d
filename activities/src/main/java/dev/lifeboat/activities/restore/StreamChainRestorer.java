package dev.lifeboat.activities.restore;

import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.manifest.BackupObjects;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.postgres.PgBinaries;
import dev.lifeboat.activities.postgres.PgProcesses;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ProgressInputStream;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Lays out a data directory from a chain of {@code stream} backups with block-level incrementals
 * ({@code pg_basebackup --incremental}): each layer's tar is fetched, verified, decrypted and
 * unpacked into a scratch folder beside the target, then {@code pg_combinebackup} of the backups'
 * PostgreSQL version writes the synthetic full backup into the target. The scratch folder is
 * removed whether the combination worked or not.
 */
final class StreamChainRestorer {

  /** The tar object every stream backup has. */
  static final String BASE_TAR = "base.tar";

  /** How long pg_combinebackup may take: it copies the whole cluster once. */
  private static final int COMBINE_TIMEOUT_SECONDS = 12 * 3600;

  private StreamChainRestorer() {}

  /**
   * Combines the chain, oldest (the full backup) first, into {@code target}, which is empty or
   * missing.
   *
   * @param progress told the plain bytes unpacked so far, over all layers
   */
  static void restore(
      BackupStore store,
      String cluster,
      List<Manifest> chain,
      KeyProvider kek,
      Path target,
      ProgressListener progress)
      throws IOException {
    Path scratch = scratchFor(target);
    DataDirectoryRestorer.deleteTree(scratch);
    try {
      ProgressInputStream.Counter unpacked = new ProgressInputStream.Counter(progress);
      List<Path> layers = new ArrayList<>();
      for (Manifest layer : chain) {
        Path folder = scratch.resolve(String.format("%02d-%s", layers.size(), layer.backupId()));
        Files.createDirectories(folder);
        try (InputStream tar = BackupObjects.open(store, cluster, layer, BASE_TAR, kek)) {
          DataDirectoryRestorer.untar(new ProgressInputStream(tar, unpacked), folder);
        }
        layers.add(folder);
      }
      OptionalInt major = PgBinaries.majorOfDataDirectory(layers.get(0));
      if (major.isEmpty()) {
        throw new IOException(
            "backup " + chain.get(0).backupId() + " has no PG_VERSION: it is not a base backup");
      }
      Path program = PgBinaries.find(major.getAsInt(), "pg_combinebackup");
      // pg_combinebackup creates the output folder itself and refuses one that has anything in it.
      Files.deleteIfExists(target);
      PgProcesses.run(command(program, target, layers), Map.of(), COMBINE_TIMEOUT_SECONDS);
    } finally {
      DataDirectoryRestorer.deleteTree(scratch);
    }
  }

  /** The scratch folder for the unpacked layers: beside the target, on the same file system. */
  static Path scratchFor(Path target) {
    Path absolute = target.toAbsolutePath();
    return absolute.resolveSibling("." + absolute.getFileName() + ".layers");
  }

  /** {@code pg_combinebackup -o TARGET FULL INCR1 ... INCRn}: the layers oldest first. */
  static List<String> command(Path program, Path target, List<Path> layers) {
    List<String> command = new ArrayList<>(List.of(program.toString(), "-o", target.toString()));
    for (Path layer : layers) {
      command.add(layer.toString());
    }
    return command;
  }
}
