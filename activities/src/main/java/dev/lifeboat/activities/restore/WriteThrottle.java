package dev.lifeboat.activities.restore;

import dev.lifeboat.activities.storage.ProgressListener;

/**
 * Holds a restore's writers back to {@code restore.maxRate} ({@code RESTORE_MAX_RATE}), so a
 * restore onto a host that also serves production does not take its whole disk. It sits in the
 * progress callback, which the writers call after every chunk (under one lock), so it caps the sum
 * of all writers.
 */
final class WriteThrottle implements ProgressListener {

  private final ProgressListener next;
  private final long bytesPerSecond;
  private final long started = System.nanoTime();

  private WriteThrottle(ProgressListener next, long bytesPerSecond) {
    this.next = next;
    this.bytesPerSecond = bytesPerSecond;
  }

  /** {@code next}, slowed to {@code bytesPerSecond} when that is positive. */
  static ProgressListener of(ProgressListener next, long bytesPerSecond) {
    return bytesPerSecond <= 0 ? next : new WriteThrottle(next, bytesPerSecond);
  }

  @Override
  public void bytesTransferred(long totalBytes) {
    next.bytesTransferred(totalBytes);
    long due = (long) (totalBytes * 1e9 / bytesPerSecond);
    long ahead = due - (System.nanoTime() - started);
    if (ahead > 0) {
      try {
        Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
      } catch (InterruptedException e) {
        // The writer sees the interrupt at its next blocking step and stops there.
        Thread.currentThread().interrupt();
      }
    }
  }
}
