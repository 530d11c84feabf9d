package dev.lifeboat.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * What the archiving activity reports: in its heartbeats (so a retry resumes), in progress signals
 * to its workflow (so {@code status()} is fresh) and as its result at the end of a slice.
 *
 * @param source the node streamed from
 * @param lastSegment the newest segment stored in at least one destination
 * @param lastLsn the LSN just past that segment: everything before it is archived
 * @param lastSegmentClosedAt when that segment was closed (its last byte received)
 * @param lastArchivedAt when it was stored
 * @param completeThrough the newest segment stored, with all segments before it, in every
 *     destination
 * @param segmentsArchived segments stored in at least one destination by this activity run
 * @param primaryLsn the primary's {@code pg_current_wal_lsn()} at {@code measuredAt}
 * @param lagBytes WAL written on the primary and not archived yet
 * @param lagSeconds age of the oldest change not archived yet: time since the last archived segment
 *     closed while the primary is beyond it, else 0
 * @param measuredAt when the lag was measured
 * @param destinations per-destination health, in configuration order
 * @param dataKeyId the data key of this activity run, or null when not encrypting
 * @param warning a condition an operator must act on (a backlog at its bound), or null
 */
public record WalArchiveProgress(
    String source,
    String lastSegment,
    String lastLsn,
    Instant lastSegmentClosedAt,
    Instant lastArchivedAt,
    String completeThrough,
    long segmentsArchived,
    String primaryLsn,
    long lagBytes,
    double lagSeconds,
    Instant measuredAt,
    List<WalDestinationHealth> destinations,
    String dataKeyId,
    String warning) {

  public WalArchiveProgress {
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
  }
}
