package dev.lifeboat.activities.backup;

import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.workflows.model.TransferProgress;
import io.temporal.activity.ActivityExecutionContext;
import java.util.concurrent.TimeUnit;

/**
 * Turns byte progress into activity heartbeats, at most one every few seconds: often enough for
 * Temporal to notice a dead worker within the heartbeat timeout, rarely enough to cost nothing. A
 * heartbeat is also where a cancelled activity learns of it.
 */
final class Heartbeats implements ProgressListener {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final ActivityExecutionContext context;
  private final String phase;
  private final long estimated;
  private long last = System.nanoTime();
  private long base;

  Heartbeats(ActivityExecutionContext context, String phase) {
    this(context, phase, 0);
  }

  /**
   * @param estimated the expected total in bytes, or 0 when unknown
   */
  Heartbeats(ActivityExecutionContext context, String phase, long estimated) {
    this.context = context;
    this.phase = phase;
    this.estimated = estimated;
  }

  /** Starts counting a new object on top of the bytes already done. */
  void nextObject(long doneSoFar) {
    base = doneSoFar;
  }

  @Override
  public synchronized void bytesTransferred(long totalBytes) {
    long now = System.nanoTime();
    if (now - last >= INTERVAL_NANOS) {
      last = now;
      context.heartbeat(new TransferProgress(phase, base + totalBytes, estimated));
    }
  }
}
