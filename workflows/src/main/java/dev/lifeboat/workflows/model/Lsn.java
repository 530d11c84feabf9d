package dev.lifeboat.workflows.model;

/**
 * PostgreSQL log sequence numbers in their text form ({@code 16/B374D848}): two hexadecimal halves
 * of a 64-bit WAL byte position.
 */
public final class Lsn {

  private Lsn() {}

  /**
   * Parses an LSN.
   *
   * @param text an LSN such as {@code 0/3000148}
   * @return the WAL byte position
   * @throws IllegalArgumentException if the text is not an LSN
   */
  public static long parse(String text) {
    int slash = text == null ? -1 : text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' is not an LSN such as 0/3000148");
    }
    try {
      long high = Long.parseLong(text.substring(0, slash), 16);
      long low = Long.parseLong(text.substring(slash + 1), 16);
      if (high > 0xFFFFFFFFL || low > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("'" + text + "' is not an LSN: a half exceeds 32 bits");
      }
      return (high << 32) | low;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not an LSN such as 0/3000148", e);
    }
  }

  /** The position of an LSN, or -1 when it is null or not an LSN (a node that was not seen). */
  public static long positionOrUnknown(String text) {
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  /** Bytes from {@code from} to {@code to}, never negative; 0 when either is unknown. */
  public static long distance(String from, String to) {
    long a = positionOrUnknown(from);
    long b = positionOrUnknown(to);
    return a < 0 || b < 0 ? 0 : Math.max(0, b - a);
  }

  /** Formats a WAL byte position as PostgreSQL does. */
  public static String format(long position) {
    return Long.toHexString(position >>> 32).toUpperCase(java.util.Locale.ROOT)
        + "/"
        + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
  }
}
