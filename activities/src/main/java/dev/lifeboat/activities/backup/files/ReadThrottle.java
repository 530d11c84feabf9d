package dev.lifeboat.activities.backup.files;

import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Holds the files source's readers back to {@code backup.maxRate} ({@code BACKUP_MAX_RATE}), so a
 * backup spares a busy primary's disks as {@code pg_basebackup --max-rate} does for the stream
 * source. All readers of a backup share one throttle: each read books its bytes on a common
 * schedule and its reader sleeps until the schedule reaches them, so the sum of all readers stays
 * under the rate.
 *
 * <p>Time the readers spend elsewhere (the start checkpoint, a slow upload) earns at most {@link
 * #MAX_CREDIT_NANOS} of credit, so the reads after a pause cannot burst at disk speed.
 */
final class ReadThrottle implements LongConsumer {

  /** The most idle time that reads may catch up on at full speed. */
  static final long MAX_CREDIT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final LongConsumer next;
  private final double nanosPerByte;
  private long scheduled = System.nanoTime();

  private ReadThrottle(LongConsumer next, long bytesPerSecond) {
    this.next = next;
    this.nanosPerByte = 1e9 / bytesPerSecond;
  }

  /** {@code next}, with its callers slowed to {@code bytesPerSecond} when that is positive. */
  static LongConsumer of(LongConsumer next, long bytesPerSecond) {
    return bytesPerSecond <= 0 ? next : new ReadThrottle(next, bytesPerSecond);
  }

  @Override
  public void accept(long bytes) {
    next.accept(bytes);
    long wait = book(bytes);
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        // The reader's channel sees the interrupt at its next read and stops the backup there.
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Books {@code bytes} on the shared schedule; returns how long the caller must wait for them. */
  private synchronized long book(long bytes) {
    long now = System.nanoTime();
    scheduled = Math.max(scheduled, now - MAX_CREDIT_NANOS) + (long) (bytes * nanosPerByte);
    return scheduled - now;
  }
}
