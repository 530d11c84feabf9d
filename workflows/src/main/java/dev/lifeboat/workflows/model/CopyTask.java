package dev.lifeboat.workflows.model;

/**
 * Copy a sealed backup from one destination to another.
 *
 * @param cluster the cluster
 * @param backupId the backup
 * @param from the destination that holds a sealed copy
 * @param to the destination to copy to
 */
public record CopyTask(String cluster, String backupId, String from, String to) {}
