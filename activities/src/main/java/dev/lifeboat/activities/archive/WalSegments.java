package dev.lifeboat.activities.archive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PostgreSQL WAL file names and their positions: a segment is named {@code
 * TTTTTTTTXXXXXXXXYYYYYYYY} (timeline, then the segment number split into a "log" and a "seg" part
 * that depend on the segment size), a timeline history file {@code TTTTTTTT.history}.
 */
public final class WalSegments {

  /** PostgreSQL's default {@code wal_segment_size}. */
  public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
  private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");

  private WalSegments() {}

  /** Whether a name is a WAL segment's (24 upper-case hex digits, nothing else). */
  public static boolean isSegment(String name) {
    return name != null && SEGMENT.matcher(name).matches();
  }

  /** Whether a name is a timeline history file's. */
  public static boolean isHistory(String name) {
    return name != null && HISTORY.matcher(name).matches();
  }

  /** The timeline of a segment name. */
  public static int timeline(String segment) {
    requireSegment(segment);
    return Integer.parseUnsignedInt(segment.substring(0, 8), 16);
  }

  /** The segment number of a segment name: its start LSN divided by the segment size. */
  public static long number(String segment, long segmentSize) {
    requireSegment(segment);
    long log = Long.parseLong(segment.substring(8, 16), 16);
    long seg = Long.parseLong(segment.substring(16, 24), 16);
    return log * segmentsPerLog(segmentSize) + seg;
  }

  /** The name of segment {@code number} on {@code timeline}. */
  public static String name(int timeline, long number, long segmentSize) {
    long perLog = segmentsPerLog(segmentSize);
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, number / perLog, number % perLog);
  }

  /** The name of the segment that holds the byte at {@code lsn}. */
  public static String containing(int timeline, long lsn, long segmentSize) {
    return name(timeline, lsn / segmentSize, segmentSize);
  }

  /** The LSN of a segment's first byte. */
  public static long startLsn(String segment, long segmentSize) {
    return number(segment, segmentSize) * segmentSize;
  }

  /** The LSN just past a segment's last byte: the start of the next segment. */
  public static long endLsn(String segment, long segmentSize) {
    return startLsn(segment, segmentSize) + segmentSize;
  }

  /** The segment after this one on the same timeline. */
  public static String next(String segment, long segmentSize) {
    return name(timeline(segment), number(segment, segmentSize) + 1, segmentSize);
  }

  /**
   * The segments holding the WAL from {@code startLsn} up to and including {@code stopLsn}, in
   * order: what a base backup taken between the two needs.
   */
  public static List<String> between(int timeline, long startLsn, long stopLsn, long segmentSize) {
    return missing(List.of(), timeline, startLsn, stopLsn + 1, segmentSize);
  }

  /**
   * The continuity check: the segments of {@code timeline} needed to replay WAL from {@code
   * startLsn} (inclusive) to {@code endLsn} (exclusive) that are not in {@code present}.
   *
   * @return the missing segment names in order; empty when the range is covered without a gap
   */
  public static List<String> missing(
      Collection<String> present, int timeline, long startLsn, long endLsn, long segmentSize) {
    if (endLsn < startLsn) {
      throw new IllegalArgumentException(
          "the end LSN " + endLsn + " is before the start LSN " + startLsn);
    }
    Set<String> have = new HashSet<>(present);
    List<String> missing = new ArrayList<>();
    if (endLsn == startLsn) {
      return missing;
    }
    long first = startLsn / segmentSize;
    long last = (endLsn - 1) / segmentSize;
    for (long n = first; n <= last; n++) {
      String name = name(timeline, n, segmentSize);
      if (!have.contains(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  private static long segmentsPerLog(long segmentSize) {
    if (segmentSize <= 0 || Long.bitCount(segmentSize) != 1) {
      throw new IllegalArgumentException(
          "WAL segment size " + segmentSize + " is not a power of two");
    }
    return 0x100000000L / segmentSize;
  }

  private static void requireSegment(String segment) {
    if (!isSegment(segment)) {
      throw new IllegalArgumentException(
          "'" + segment + "' is not a WAL segment name (24 upper-case hex digits)");
    }
  }
}
