package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * Input of {@code BackupWorkflow}. As JSON: {@code {"cluster": "shop"}} takes a full backup from
 * the primary to every configured destination and needs every copy; {@code {"cluster": "shop",
 * "type": "incremental"}} takes an incremental on top of the newest backup.
 *
 * @param cluster the cluster to back up
 * @param type {@code full} (default) or {@code incremental}
 * @param sourceNode the node to read from (a standby offloads the primary); null for the primary
 * @param destinations names of the destinations to use, a subset of the worker's configuration;
 *     empty or null for all
 * @param quorum copies that must complete for the backup to succeed; 0 for all destinations
 * @param source how to read: {@code files}, {@code stream}, or null for the worker's default
 *     ({@code backup.source}); an incremental reads files unless {@code stream} is asked for, which
 *     takes a block-level incremental with {@code pg_basebackup --incremental} (PostgreSQL 17+,
 *     {@code summarize_wal = on}) on top of a stream parent
 * @param parent for an incremental, the backup it builds on; null for the newest backup of the
 *     cluster in the landing destination
 */
public record BackupRequest(
    String cluster,
    String type,
    String sourceNode,
    List<String> destinations,
    int quorum,
    String source,
    String parent) {

  public static final String FULL = "full";
  public static final String INCREMENTAL = "incremental";
  public static final String SOURCE_FILES = "files";
  public static final String SOURCE_STREAM = "stream";

  public BackupRequest {
    destinations = destinations == null ? List.of() : List.copyOf(destinations);
  }

  /** A backup with the worker's default source and, for an incremental, the newest parent. */
  public BackupRequest(
      String cluster, String type, String sourceNode, List<String> destinations, int quorum) {
    this(cluster, type, sourceNode, destinations, quorum, null, null);
  }

  /** An incremental on top of {@code parent} (null for the newest backup), to every destination. */
  public static BackupRequest incremental(String cluster, String parent) {
    return new BackupRequest(cluster, INCREMENTAL, null, List.of(), 0, SOURCE_FILES, parent);
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
