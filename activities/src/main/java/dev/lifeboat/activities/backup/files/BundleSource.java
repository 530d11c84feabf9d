package dev.lifeboat.activities.backup.files;

import java.nio.file.Path;

/** Something a bundle holds: a file read whole, a page delta of a file, or bytes from memory. */
public sealed interface BundleSource {

  /** The file's path in the data directory. */
  String path();

  /** About how many bytes will be read from disk for it, to size bundles and progress. */
  long estimatedBytes();

  /** A file copied whole, up to its size when scanned (WAL replay redoes later growth). */
  record WholeFile(String path, Path file, long size) implements BundleSource {
    @Override
    public long estimatedBytes() {
      return size;
    }
  }

  /**
   * A relation file of which only the pages changed since the parent backup started are kept.
   *
   * @param parentSize the file's size in the parent backup
   * @param parentStartLsn the parent backup's start LSN: a page whose LSN is older was not written
   *     since, so the parent holds it as it is now
   */
  record PageDelta(String path, Path file, long size, long parentSize, long parentStartLsn)
      implements BundleSource {
    @Override
    public long estimatedBytes() {
      return size;
    }
  }

  /** Bytes produced by the backup itself, such as {@code backup_label}. */
  record InMemory(String path, byte[] content) implements BundleSource {
    @Override
    public long estimatedBytes() {
      return content.length;
    }
  }
}
