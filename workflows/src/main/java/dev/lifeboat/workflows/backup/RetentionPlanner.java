package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.BackupSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which backups retention expires. Pure and deterministic, so the workflow can call it and
 * tests can check it without a server. A backup is kept when any of these holds:
 *
 * <ul>
 *   <li>it is within the retention (younger than the cutoff, or among the newest {@code keepLast});
 *   <li>it is the newest backup, so a cluster is never left without one;
 *   <li>it is the newest backup that passed a verification, or the newest proven restorable by a
 *       test restore, so the last proven one stays;
 *   <li>a kept backup builds on it (directly or through other incrementals): deleting a parent
 *       would make its incrementals unrestorable.
 * </ul>
 *
 * Decisions are per backup id, across destinations: a backup is kept or expired everywhere.
 */
final class RetentionPlanner {

  /**
   * The plan.
   *
   * @param expire copies to delete, newest backup first so that an interrupted run never leaves an
   *     incremental without its parent
   * @param keep copies kept
   * @param keptBecause why each kept backup is kept
   */
  record Plan(
      List<BackupSummary> expire, List<BackupSummary> keep, Map<String, String> keptBecause) {}

  private RetentionPlanner() {}

  /**
   * @param copies every copy of every backup of the cluster
   * @param cutoff backups that finished before it are old
   * @param keepLast when positive, the number of newest backups to keep instead of the cutoff
   */
  static Plan plan(List<BackupSummary> copies, Instant cutoff, int keepLast) {
    Map<String, BackupSummary> byId = new LinkedHashMap<>();
    Map<String, Instant> verified = new HashMap<>();
    Map<String, Instant> proven = new HashMap<>();
    for (BackupSummary copy : copies) {
      byId.putIfAbsent(copy.backupId(), copy);
      if (copy.provenAt() != null) {
        proven.merge(copy.backupId(), copy.provenAt(), (a, b) -> a.isAfter(b) ? a : b);
      }
      if (copy.verifiedAt() != null) {
        verified.merge(copy.backupId(), copy.verifiedAt(), (a, b) -> a.isAfter(b) ? a : b);
      }
    }
    List<BackupSummary> newestFirst = new ArrayList<>(byId.values());
    newestFirst.sort(
        Comparator.comparing(BackupSummary::stopTime)
            .thenComparing(BackupSummary::backupId)
            .reversed());

    Map<String, String> because = new LinkedHashMap<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      BackupSummary backup = newestFirst.get(i);
      if (keepLast > 0 ? i < keepLast : !backup.stopTime().isBefore(cutoff)) {
        because.put(backup.backupId(), keepLast > 0 ? "among the newest " + keepLast : "recent");
      }
    }
    if (!newestFirst.isEmpty()) {
      because.putIfAbsent(newestFirst.get(0).backupId(), "newest backup");
    }
    newestFirst.stream()
        .filter(b -> verified.containsKey(b.backupId()))
        .findFirst()
        .ifPresent(b -> because.putIfAbsent(b.backupId(), "newest verified backup"));
    newestFirst.stream()
        .filter(b -> proven.containsKey(b.backupId()))
        .findFirst()
        .ifPresent(b -> because.putIfAbsent(b.backupId(), "newest proven restorable backup"));
    // Keep every ancestor of a kept backup; a chain is walked once per kept backup.
    for (String kept : new ArrayList<>(because.keySet())) {
      BackupSummary child = byId.get(kept);
      while (child != null && child.parentId() != null) {
        because.putIfAbsent(child.parentId(), "parent of " + child.backupId());
        child = byId.get(child.parentId());
      }
    }

    List<BackupSummary> expire = new ArrayList<>();
    List<BackupSummary> keep = new ArrayList<>();
    for (BackupSummary copy : copies) {
      (because.containsKey(copy.backupId()) ? keep : expire).add(copy);
    }
    expire.sort(
        Comparator.comparing(BackupSummary::stopTime)
            .thenComparing(BackupSummary::backupId)
            .reversed());
    return new Plan(expire, keep, because);
  }
}
