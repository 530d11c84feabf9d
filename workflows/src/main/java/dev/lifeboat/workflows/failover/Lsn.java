package dev.lifeboat.workflows.failover;

/** PostgreSQL WAL positions ({@code X/Y}, both hexadecimal) as numbers of bytes. */
public final class Lsn {

  private Lsn() {}

  /** Returns the byte position of an LSN, or -1 when it is null or malformed. */
  public static long parse(String lsn) {
    if (lsn == null) {
      return -1;
    }
    int slash = lsn.indexOf('/');
    if (slash <= 0) {
      return -1;
    }
    try {
      return (Long.parseLong(lsn.substring(0, slash), 16) << 32)
          | Long.parseLong(lsn.substring(slash + 1), 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Bytes from {@code from} to {@code to}, never negative; 0 when either is unknown. */
  public static long distance(String from, String to) {
    long a = parse(from);
    long b = parse(to);
    return a < 0 || b < 0 ? 0 : Math.max(0, b - a);
  }
}
