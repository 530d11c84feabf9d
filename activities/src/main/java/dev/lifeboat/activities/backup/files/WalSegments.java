package dev.lifeboat.activities.backup.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * WAL segment file names, computed as PostgreSQL does ({@code XLogFileName}): the timeline, then
 * the segment number split into a "log" and a "segment within log" part, each as 8 hex digits.
 * Computed here rather than with {@code pg_walfile_name()} because that function refuses to run on
 * a standby, and backups may be taken from one.
 */
public final class WalSegments {

  private WalSegments() {}

  /** The name of the segment holding WAL byte position {@code lsn}. */
  public static String name(long timeline, long lsn, long segmentSize) {
    long segmentsPerLog = 0x1_0000_0000L / segmentSize;
    long segment = Long.divideUnsigned(lsn, segmentSize);
    return String.format(
        Locale.ROOT,
        "%08X%08X%08X",
        timeline,
        Long.divideUnsigned(segment, segmentsPerLog),
        Long.remainderUnsigned(segment, segmentsPerLog));
  }

  /**
   * The segments holding the WAL from {@code startLsn} up to and including {@code stopLsn}, in
   * order.
   */
  public static List<String> between(long timeline, long startLsn, long stopLsn, long segmentSize) {
    if (Long.compareUnsigned(stopLsn, startLsn) < 0) {
      throw new IllegalArgumentException("WAL range ends before it starts");
    }
    List<String> names = new ArrayList<>();
    long first = Long.divideUnsigned(startLsn, segmentSize);
    long last = Long.divideUnsigned(stopLsn, segmentSize);
    for (long segment = first; segment <= last; segment++) {
      names.add(name(timeline, segment * segmentSize, segmentSize));
    }
    return names;
  }
}
