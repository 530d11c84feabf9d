package dev.lifeboat.workflows.model;

/**
 * What the activity that takes a full backup needs.
 *
 * @param cluster the cluster
 * @param backupId the new backup's id, chosen by the workflow so retries reuse it
 * @param source the node to stream from
 * @param destination the destination the backup lands in first
 */
public record FullBackupTask(
    String cluster, String backupId, NodeSpec source, String destination) {}
