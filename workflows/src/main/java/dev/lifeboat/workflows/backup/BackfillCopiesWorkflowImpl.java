package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.CopyTask;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Patient copies: each retried until its destination answers, for at most a week. */
public class BackfillCopiesWorkflowImpl implements BackfillCopiesWorkflow {

  /** How long a destination may stay away before its copy is given up. */
  static final Duration GIVE_UP_AFTER = Duration.ofDays(7);

  private final BackupActivities copies =
      Workflow.newActivityStub(
          BackupActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(6))
              .setScheduleToCloseTimeout(GIVE_UP_AFTER)
              .setHeartbeatTimeout(BackupActivityStubs.HEARTBEAT_TIMEOUT)
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(5))
                      .setBackoffCoefficient(2)
                      .setMaximumInterval(Duration.ofMinutes(10))
                      .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.UNKNOWN_DESTINATION)
                      .build())
              .build());

  @Override
  public List<BackupCopy> backfill(
      String cluster, String backupId, String from, List<String> missing) {
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_BACKUP));
    List<Promise<BackupCopy>> pending = new ArrayList<>();
    for (String destination : missing) {
      pending.add(Async.function(copies::copy, new CopyTask(cluster, backupId, from, destination)));
    }
    List<BackupCopy> made = new ArrayList<>();
    for (Promise<BackupCopy> copy : pending) {
      made.add(copy.get());
    }
    if (Workflow.getVersion(BackupWorkflowImpl.RECORD_COPIES_CHANGE, Workflow.DEFAULT_VERSION, 1)
        == 1) {
      copies.recordCopies(cluster, backupId, made);
    }
    Workflow.upsertTypedSearchAttributes(DrSearchAttributes.OUTCOME.valueSet("complete"));
    return made;
  }
}
