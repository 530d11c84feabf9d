package dev.lifeboat.workflows.model;

/**
 * One node's line in a cluster health report.
 *
 * @param node node name
 * @param region node region
 * @param role what the node said it is
 * @param reachable whether the probe reached it
 * @param lsn current LSN on the primary, replay LSN on a standby
 * @param lagBytes on a standby the WAL bytes between the primary's current LSN and its replay LSN;
 *     null on the primary or when unknown
 * @param lagSeconds on a standby the primary's measured replay lag in seconds (0 when caught up);
 *     null on the primary or when unknown
 * @param streaming on a standby whether the primary lists it as streaming; null on the primary
 * @param latencyMillis probe round trip in milliseconds
 * @param error why the node is unreachable, else null
 */
public record NodeHealth(
    String node,
    String region,
    NodeRole role,
    boolean reachable,
    String lsn,
    Long lagBytes,
    Double lagSeconds,
    Boolean streaming,
    long latencyMillis,
    String error) {}
