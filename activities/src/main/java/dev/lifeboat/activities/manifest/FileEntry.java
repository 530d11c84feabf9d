package dev.lifeboat.activities.manifest;

/**
 * One file of a {@code files} backup: its size at the backup's end point and where its content is.
 * A bundle object is the concatenation of its entries' contents, each at {@code offset} for {@code
 * length} plain bytes.
 *
 * @param path the file's path relative to the data directory, with {@code /} separators
 * @param size the file's size in the restored data directory
 * @param kind whether the content is whole, a page delta, or unchanged since the parent
 * @param object the bundle holding the content, or null when {@code kind} is {@code UNCHANGED}
 * @param offset where the content starts in the bundle's plain bytes
 * @param length plain bytes of content in the bundle
 */
public record FileEntry(
    String path, long size, Kind kind, String object, long offset, long length) {

  /** How an entry's content relates to the file. */
  public enum Kind {
    /** The bundle holds the whole file. */
    WHOLE,
    /**
     * The bundle holds only the pages that changed since the parent backup started, as records of a
     * 4-byte big-endian block number followed by the 8192-byte page; the file is the parent's, cut
     * or extended to {@code size}, with these pages written over it.
     */
    DELTA,
    /** The file is exactly as in the parent backup. */
    UNCHANGED
  }
}
