package dev.lifeboat.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * The state of a cluster's WAL archiver, as {@code WalArchiverWorkflow.status()} returns it and as
 * continue-as-new carries it into the next run.
 *
 * @param cluster the cluster
 * @param phase {@code starting}, {@code archiving}, {@code waiting} (no primary to stream from),
 *     {@code stopping} or {@code stopped}
 * @param slot the replication slot streamed from
 * @param source the node streamed from
 * @param lastSegment the newest segment stored in at least one destination
 * @param lastLsn the LSN just past it
 * @param lastSegmentClosedAt when it closed
 * @param lastArchivedAt when it was stored
 * @param completeThrough the newest segment in every destination with all before it
 * @param segmentsArchived segments archived since the archiver started (all runs)
 * @param primaryLsn the primary's current LSN when the lag was measured
 * @param lagBytes the archive RPO in bytes: WAL on the primary not archived yet
 * @param lagSeconds the archive RPO in seconds: age of the oldest unarchived change
 * @param lagMeasuredAt when the lag was measured
 * @param destinations per-destination health
 * @param slices archiving slices completed since the archiver started
 * @param lastError the last failure of the archiving activity, or null
 * @param warning a condition an operator must act on, or null
 */
public record WalArchiveStatus(
    String cluster,
    String phase,
    String slot,
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
    Instant lagMeasuredAt,
    List<WalDestinationHealth> destinations,
    long slices,
    String lastError,
    String warning) {

  public WalArchiveStatus {
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
  }

  /** The status of an archiver that has not archived anything yet. */
  public static WalArchiveStatus starting(String cluster, String slot) {
    return new WalArchiveStatus(
        cluster,
        "starting",
        slot,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        0,
        0,
        null,
        List.of(),
        0,
        null,
        null);
  }
}
