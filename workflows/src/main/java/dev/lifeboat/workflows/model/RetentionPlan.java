package dev.lifeboat.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * What retention expires and keeps, and (when applied) what it deleted.
 *
 * @param cluster the cluster
 * @param olderThanDays the retention applied
 * @param expire backup copies older than the retention, to delete
 * @param keep backup copies kept, with the newest always among them
 * @param applied whether the expired copies were deleted
 * @param problems deletions that failed, one sentence each
 * @param keptBecause why each kept backup is kept, by backup id (e.g. "parent of ...")
 * @param wal per destination, the archived WAL no kept backup needs (removed when applied)
 */
public record RetentionPlan(
    String cluster,
    int olderThanDays,
    List<BackupSummary> expire,
    List<BackupSummary> keep,
    boolean applied,
    List<String> problems,
    Map<String, String> keptBecause,
    List<WalPruneSummary> wal) {

  public RetentionPlan {
    expire = List.copyOf(expire);
    keep = List.copyOf(keep);
    problems = problems == null ? List.of() : List.copyOf(problems);
    wal = wal == null ? List.of() : List.copyOf(wal);
    keptBecause =
        keptBecause == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(keptBecause));
  }
}
