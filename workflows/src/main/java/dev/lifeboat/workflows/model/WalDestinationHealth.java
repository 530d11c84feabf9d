package dev.lifeboat.workflows.model;

import java.time.Instant;

/**
 * How WAL archiving into one destination fares.
 *
 * @param destination the destination's name
 * @param lastSegment the newest segment stored there
 * @param lastSuccess when a file was last stored there
 * @param lastError the last failure, or null when the last attempt succeeded
 * @param lastErrorAt when that failure happened
 * @param backlog closed segments waiting in the spool for this destination
 */
public record WalDestinationHealth(
    String destination,
    String lastSegment,
    Instant lastSuccess,
    String lastError,
    Instant lastErrorAt,
    int backlog) {

  /** Whether the last attempt succeeded and nothing waits. */
  public boolean healthy() {
    return lastError == null && backlog == 0;
  }
}
