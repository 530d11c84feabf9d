package dev.lifeboat.activities.postgres;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.time.Duration;

/**
 * How long a probe's connection may wait, from the deadline its workflow gave the activity. The
 * probe must come back with "unreachable" before that deadline: a probe that times out in Temporal
 * counts as unknown (the worker may be gone), and unknown never fails a node over, so a stalled
 * primary would never be judged down.
 */
final class ProbeDeadline {

  /** pgjdbc's timeouts are whole seconds; one is the least it can wait. */
  static final int MIN_SECONDS = 1;

  private ProbeDeadline() {}

  /** The seconds for the running activity; the default timeouts when called outside one. */
  static int current() {
    ActivityInfo info;
    try {
      info = Activity.getExecutionContext().getInfo();
    } catch (IllegalStateException notInAnActivity) {
      return PgConnections.CONNECT_TIMEOUT_SECONDS;
    }
    return secondsFor(info);
  }

  /**
   * About half the tighter of the activity's two deadlines, in whole seconds, at least {@link
   * #MIN_SECONDS} and at most {@link PgConnections#CONNECT_TIMEOUT_SECONDS}: a connect and a read
   * each get it, and the reply must still reach the workflow in time.
   */
  static int secondsFor(ActivityInfo info) {
    Duration tightest = shorter(info.getStartToCloseTimeout(), info.getScheduleToCloseTimeout());
    if (tightest == null) {
      return PgConnections.CONNECT_TIMEOUT_SECONDS;
    }
    long half = tightest.toMillis() / 2 / 1000;
    return (int) Math.max(MIN_SECONDS, Math.min(PgConnections.CONNECT_TIMEOUT_SECONDS, half));
  }

  private static Duration shorter(Duration a, Duration b) {
    if (a == null || a.isZero()) {
      return b == null || b.isZero() ? null : b;
    }
    if (b == null || b.isZero()) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }
}
