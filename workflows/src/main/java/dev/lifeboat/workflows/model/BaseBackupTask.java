package dev.lifeboat.workflows.model;

/**
 * What the activities that take a full or incremental base backup need.
 *
 * @param cluster the cluster
 * @param backupId the new backup's id, chosen by the workflow so retries reuse it
 * @param source the node to read from
 * @param destination the destination the backup lands in first
 * @param method {@code files}, {@code stream}, or null for the worker's configured default
 * @param parentId the backup an incremental builds on; null for a full backup
 */
public record BaseBackupTask(
    String cluster,
    String backupId,
    NodeSpec source,
    String destination,
    String method,
    String parentId) {

  /** A full backup with the worker's default method. */
  public BaseBackupTask(String cluster, String backupId, NodeSpec source, String destination) {
    this(cluster, backupId, source, destination, null, null);
  }
}
