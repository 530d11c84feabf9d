package dev.lifeboat.activities.backup.files;

/**
 * Reads the one field of a PostgreSQL page header a delta backup needs: {@code pd_lsn}, the WAL
 * position of the last change to the page. It is two 32-bit halves in the server's byte order,
 * little-endian on every platform PostgreSQL is packaged for here (x86-64, arm64).
 */
public final class PageHeader {

  /** PostgreSQL's default block size; a cluster built with another is refused by the scan. */
  public static final int PAGE_SIZE = 8192;

  private PageHeader() {}

  /** The page LSN of the page starting at {@code offset} in {@code buffer}. */
  public static long lsn(byte[] buffer, int offset) {
    long high = uint32LittleEndian(buffer, offset);
    long low = uint32LittleEndian(buffer, offset + 4);
    return (high << 32) | low;
  }

  private static long uint32LittleEndian(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24;
  }
}
