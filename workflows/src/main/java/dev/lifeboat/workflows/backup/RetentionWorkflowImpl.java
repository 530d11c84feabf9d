package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.WalPruneSummary;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Lists every destination, plans with {@link RetentionPlanner} (by age or count, never the newest,
 * the newest verified, or a parent of a kept backup), then deletes if asked.
 */
public class RetentionWorkflowImpl implements RetentionWorkflow {

  private final BackupActivities quick = BackupActivityStubs.quick();
  private final BackupActivities deletions = BackupActivityStubs.longRunning();

  @Override
  public RetentionPlan run(RetentionRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "RetentionWorkflow needs a cluster: --input '{\"cluster\":\"shop\",\"olderThanDays\":30}'",
          ErrorTypes.INVALID_REQUEST);
    }
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(request.cluster()),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_BACKUP));
    List<BackupSummary> all = new ArrayList<>();
    for (String destination : quick.destinations()) {
      all.addAll(quick.list(request.cluster(), destination));
    }
    Instant cutoff =
        Instant.ofEpochMilli(Workflow.currentTimeMillis())
            .minus(Duration.ofDays(request.daysOrDefault()));
    RetentionPlanner.Plan plan = RetentionPlanner.plan(all, cutoff, request.keepLast());
    List<BackupSummary> expire = plan.expire();
    List<String> problems = new ArrayList<>();
    if (request.apply()) {
      // Newest backup first, its copies in parallel: a run cut short never leaves an incremental
      // whose parent is gone.
      int i = 0;
      while (i < expire.size()) {
        String backupId = expire.get(i).backupId();
        List<BackupSummary> copies = new ArrayList<>();
        while (i < expire.size() && expire.get(i).backupId().equals(backupId)) {
          copies.add(expire.get(i++));
        }
        List<Promise<Void>> pending = new ArrayList<>();
        for (BackupSummary copy : copies) {
          pending.add(
              Async.procedure(
                  deletions::delete, request.cluster(), copy.backupId(), copy.destination()));
        }
        for (int j = 0; j < pending.size(); j++) {
          try {
            pending.get(j).get();
          } catch (ActivityFailure failure) {
            problems.add(
                "backup "
                    + copies.get(j).backupId()
                    + " in "
                    + copies.get(j).destination()
                    + ": "
                    + Failures.rootMessage(failure));
          }
        }
      }
    }
    List<WalPruneSummary> wal = pruneWal(request, plan.keep(), problems);
    return new RetentionPlan(
        request.cluster(),
        request.daysOrDefault(),
        expire,
        plan.keep(),
        request.apply(),
        problems,
        plan.keptBecause(),
        wal);
  }

  /**
   * Plans or removes, per destination, the archived WAL before the oldest kept backup's stop LSN.
   * Nothing is pruned while no backup is kept: the archive may be all there is.
   */
  private List<WalPruneSummary> pruneWal(
      RetentionRequest request, List<BackupSummary> kept, List<String> problems) {
    Optional<BackupSummary> oldest =
        kept.stream()
            .min(
                Comparator.comparing(BackupSummary::stopTime)
                    .thenComparing(BackupSummary::backupId));
    List<WalPruneSummary> pruned = new ArrayList<>();
    if (oldest.isEmpty() || oldest.get().stopLsn() == null) {
      return pruned;
    }
    for (String destination : quick.destinations()) {
      try {
        pruned.add(
            deletions.pruneWal(
                request.cluster(), destination, oldest.get().stopLsn(), request.apply()));
      } catch (ActivityFailure failure) {
        problems.add("WAL archive in " + destination + ": " + Failures.rootMessage(failure));
      }
    }
    return pruned;
  }
}
