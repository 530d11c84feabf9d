package dev.lifeboat.config;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A validated lifeboat.yaml. Build it with {@link ConfigLoader}; every value in it has been
 * checked.
 *
 * @param source the file it was read from
 * @param temporal how to reach Temporal
 * @param worker what a worker serves
 * @param secretsDir the folder of secret files ({@code <dir>/<secret-name>})
 * @param clusters clusters by name, in file order
 * @param backup the backup settings, or null when neither the file nor BACKUP_* configure backups
 * @param restore the restore settings; {@link RestoreSettings#DEFAULTS} without a restore section
 */
public record LifeboatConfig(
    Path source,
    TemporalSettings temporal,
    WorkerSettings worker,
    Path secretsDir,
    Map<String, ClusterSpec> clusters,
    BackupSettings backup,
    RestoreSettings restore) {

  public LifeboatConfig {
    clusters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(clusters));
    restore = restore == null ? RestoreSettings.DEFAULTS : restore;
  }

  /**
   * Returns the backup settings.
   *
   * @throws ConfigException when backups are not configured
   */
  public BackupSettings requireBackup() {
    if (backup == null) {
      throw new ConfigException(
          source.toString(),
          List.of(
              "backup: not configured; add a backup section with destinations, or set BACKUP_BUCKET"));
    }
    return backup;
  }

  /** Returns the named cluster, if configured. */
  public Optional<ClusterSpec> cluster(String name) {
    return Optional.ofNullable(clusters.get(name));
  }

  /** Returns the regions this worker polls: the configured ones, or every node's region. */
  public Set<String> servedRegions() {
    if (!worker.regions().isEmpty()) {
      return new LinkedHashSet<>(worker.regions());
    }
    Set<String> regions = new LinkedHashSet<>();
    for (ClusterSpec cluster : clusters.values()) {
      for (NodeSpec node : cluster.nodes()) {
        regions.add(node.region());
      }
    }
    return regions;
  }
}
