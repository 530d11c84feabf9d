package dev.lifeboat.workflows.model;

import java.util.Locale;

/**
 * Input of {@code WalArchiverWorkflow}. As JSON: {@code {"cluster": "shop"}} archives the primary's
 * WAL through the slot {@code lifeboat_archiver_shop} to every configured destination, with the
 * defaults below.
 *
 * @param cluster the cluster whose WAL is archived
 * @param slot the physical replication slot to stream from (created when missing); null or blank
 *     for {@code lifeboat_archiver_<cluster>}
 * @param sliceSeconds how long one run of the archiving activity streams before it returns its
 *     statistics; 0 for {@link #DEFAULT_SLICE_SECONDS}
 * @param maxSegmentsPerSlice the activity also returns after archiving this many segments; 0 for
 *     {@link #DEFAULT_MAX_SEGMENTS_PER_SLICE}
 * @param slicesPerRun slices before the workflow continues as new, which keeps its history short; 0
 *     for {@link #DEFAULT_SLICES_PER_RUN}
 * @param maxBacklogSegments closed segments a failing destination may leave waiting in the spool
 *     before the archiver stops receiving (so no destination gets a gap); 0 for {@link
 *     #DEFAULT_MAX_BACKLOG_SEGMENTS}
 * @param carried the status carried over from the previous run by continue-as-new; null at first
 */
public record WalArchiverRequest(
    String cluster,
    String slot,
    int sliceSeconds,
    int maxSegmentsPerSlice,
    int slicesPerRun,
    int maxBacklogSegments,
    WalArchiveStatus carried) {

  public static final int DEFAULT_SLICE_SECONDS = 600;
  public static final int DEFAULT_MAX_SEGMENTS_PER_SLICE = 1000;
  public static final int DEFAULT_SLICES_PER_RUN = 12;
  public static final int DEFAULT_MAX_BACKLOG_SEGMENTS = 1024;

  /** Archives a cluster with every default. */
  public static WalArchiverRequest of(String cluster) {
    return new WalArchiverRequest(cluster, null, 0, 0, 0, 0, null);
  }

  /** The workflow id of a cluster's archiver: one archiver per cluster. */
  public static String workflowId(String cluster) {
    return "wal-archiver-" + cluster;
  }

  /** The default slot name of a cluster: lower-case letters, digits and underscores only. */
  public static String defaultSlot(String cluster) {
    return "lifeboat_archiver_" + cluster.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  public String slotOrDefault() {
    return slot == null || slot.isBlank() ? defaultSlot(cluster) : slot;
  }

  public int sliceSecondsOrDefault() {
    return sliceSeconds > 0 ? sliceSeconds : DEFAULT_SLICE_SECONDS;
  }

  public int maxSegmentsPerSliceOrDefault() {
    return maxSegmentsPerSlice > 0 ? maxSegmentsPerSlice : DEFAULT_MAX_SEGMENTS_PER_SLICE;
  }

  public int slicesPerRunOrDefault() {
    return slicesPerRun > 0 ? slicesPerRun : DEFAULT_SLICES_PER_RUN;
  }

  public int maxBacklogSegmentsOrDefault() {
    return maxBacklogSegments > 0 ? maxBacklogSegments : DEFAULT_MAX_BACKLOG_SEGMENTS;
  }

  /** The same request carrying a status into the next run. */
  public WalArchiverRequest carrying(WalArchiveStatus status) {
    return new WalArchiverRequest(
        cluster, slot, sliceSeconds, maxSegmentsPerSlice, slicesPerRun, maxBacklogSegments, status);
  }
}
