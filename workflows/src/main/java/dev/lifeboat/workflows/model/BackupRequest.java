package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * Input of {@code BackupWorkflow}. As JSON: {@code {"cluster": "shop"}} takes a full backup from
 * the primary to every configured destination and needs every copy.
 *
 * @param cluster the cluster to back up
 * @param type {@code full} (default); incremental backups arrive with the page-delta source
 * @param sourceNode the node to read from (a standby offloads the primary); null for the primary
 * @param destinations names of the destinations to use, a subset of the worker's configuration;
 *     empty or null for all
 * @param quorum copies that must complete for the backup to succeed; 0 for all destinations
 */
public record BackupRequest(
    String cluster, String type, String sourceNode, List<String> destinations, int quorum) {

  public static final String FULL = "full";

  public BackupRequest {
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
  }

  /** A full backup of a cluster to every destination. */
  public static BackupRequest full(String cluster) {
    return new BackupRequest(cluster, FULL, null, List.of(), 0);
  }

  /** The backup type, {@code full} when not given. */
  public String typeOrDefault() {
    return type == null || type.isBlank() ? FULL : type;
  }
}
