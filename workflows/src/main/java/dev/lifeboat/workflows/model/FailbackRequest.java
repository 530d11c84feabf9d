package dev.lifeboat.workflows.model;

/**
 * Input of {@code FailbackWorkflow}: {@code {"cluster":"shop","switchBack":true}}.
 *
 * @param cluster the cluster
 * @param switchBack after rejoining, hand the primary role back to the node with the highest
 *     priority through a switchover (no data loss)
 * @param requestedBy who asked
 */
public record FailbackRequest(String cluster, boolean switchBack, String requestedBy) {}
