package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
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

/** Lists every destination, plans by age keeping the newest backup, then deletes if asked. */
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
    // The newest backup is kept whatever its age: a cluster is never left without a backup.
    Optional<String> newest =
        all.stream()
            .max(Comparator.comparing(BackupSummary::stopTime))
            .map(BackupSummary::backupId);
    List<BackupSummary> expire = new ArrayList<>();
    List<BackupSummary> keep = new ArrayList<>();
    for (BackupSummary copy : all) {
      boolean old = copy.stopTime().isBefore(cutoff);
      if (old && !Optional.of(copy.backupId()).equals(newest)) {
        expire.add(copy);
      } else {
        keep.add(copy);
      }
    }
    List<String> problems = new ArrayList<>();
    if (request.apply()) {
      List<Promise<Void>> pending = new ArrayList<>();
      for (BackupSummary copy : expire) {
        pending.add(
            Async.procedure(
                deletions::delete, request.cluster(), copy.backupId(), copy.destination()));
      }
      for (int i = 0; i < pending.size(); i++) {
        try {
          pending.get(i).get();
        } catch (ActivityFailure failure) {
          problems.add(
              "backup "
                  + expire.get(i).backupId()
                  + " in "
                  + expire.get(i).destination()
                  + ": "
                  + Failures.rootMessage(failure));
        }
      }
    }
    return new RetentionPlan(
        request.cluster(), request.daysOrDefault(), expire, keep, request.apply(), problems);
  }
}
