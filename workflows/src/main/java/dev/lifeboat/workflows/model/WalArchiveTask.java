package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * One slice of WAL archiving, as the workflow hands it to the archiving activity.
 *
 * @param cluster the cluster
 * @param source the node to stream from (the primary)
 * @param slot the physical replication slot
 * @param destinations the destinations every segment goes to
 * @param sliceSeconds return after streaming this long
 * @param maxSegments return after archiving this many segments
 * @param maxBacklogSegments stop receiving while this many closed segments wait in the spool
 * @param completeThrough the newest segment known to be in every destination with all before it,
 *     where streaming resumes when the spool is empty; null when nothing was archived yet
 */
public record WalArchiveTask(
    String cluster,
    NodeSpec source,
    String slot,
    List<String> destinations,
    int sliceSeconds,
    int maxSegments,
    int maxBacklogSegments,
    String completeThrough) {

  public WalArchiveTask {
    destinations = List.copyOf(destinations);
  }
}
