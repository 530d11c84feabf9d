package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RandomTestRestoreRequest;
import dev.lifeboat.workflows.model.RestorePlan;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Find the archive's end and the backups, pick an older backup and a time after it at random, run
 * the scratch restore as a child.
 */
public class RandomTestRestoreWorkflowImpl implements RandomTestRestoreWorkflow {

  private static final ActivityOptions QUICK =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(5))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setMaximumAttempts(3)
                  .setDoNotRetry(
                      ErrorTypes.INVALID_REQUEST,
                      ErrorTypes.NO_BACKUP_FOR_TARGET,
                      ErrorTypes.UNKNOWN_CLUSTER,
                      ErrorTypes.UNKNOWN_DESTINATION)
                  .build())
          .build();

  private final RestoreActivities planning =
      Workflow.newActivityStub(RestoreActivities.class, QUICK);
  private final BackupActivities backups = Workflow.newActivityStub(BackupActivities.class, QUICK);

  @Override
  public RestoreReport restore(RandomTestRestoreRequest request) {
    if (request == null
        || request.cluster() == null
        || request.directory() == null
        || request.port() <= 0) {
      throw ApplicationFailure.newNonRetryableFailure(
          "RandomTestRestoreWorkflow needs a cluster, a scratch directory and a port: --input"
              + " '{\"cluster\":\"shop\",\"directory\":\"/var/tmp/lifeboat-restore-test-random-shop\","
              + "\"port\":55496}'",
          ErrorTypes.INVALID_REQUEST);
    }
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(request.cluster()),
        DrSearchAttributes.KIND.valueSet("restore"));
    // Planning the newest backup's restore names the destination and the archive's end.
    RestorePlan newest =
        planning.plan(
            new RestoreRequest(
                request.cluster(),
                null,
                null,
                null,
                true,
                request.destination(),
                request.directory(),
                request.port(),
                null,
                null,
                false,
                true));
    List<BackupSummary> sealed =
        new ArrayList<>(backups.list(request.cluster(), newest.destination()));
    sealed.sort(Comparator.comparing(BackupSummary::stopTime));
    if (sealed.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster " + request.cluster() + " has no backup in " + newest.destination(),
          ErrorTypes.NO_BACKUP_FOR_TARGET);
    }
    Choice choice =
        choose(
            sealed,
            newest.archiveEnd() == null ? null : Instant.parse(newest.archiveEnd()),
            Workflow.newRandom());
    RestoreRequest scratch =
        new RestoreRequest(
            request.cluster(),
            choice.backupId(),
            choice.targetTime() == null ? null : choice.targetTime().toString(),
            null,
            choice.targetTime() == null,
            newest.destination(),
            request.directory(),
            request.port(),
            null,
            null,
            false,
            true);
    return Workflow.newChildWorkflowStub(
            RestoreWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(Workflow.getInfo().getWorkflowId() + "-restore")
                .build())
        .restore(scratch);
  }

  /**
   * The backup and target time chosen.
   *
   * @param backupId the backup restored
   * @param targetTime the point in time, or null for the backup's own end point
   */
  record Choice(String backupId, Instant targetTime) {}

  /**
   * Any backup but the newest (the daily test restore proves that one), or the only one; then a
   * time from its end up to the next backup's end or the archive's end, whichever comes first.
   * Whole seconds: the restored server's recovery target is written to the second.
   *
   * @param sealed the backups, oldest first
   * @param archiveEnd when the newest archived WAL segment was stored, or null without an archive
   */
  static Choice choose(List<BackupSummary> sealed, Instant archiveEnd, Random random) {
    int index = sealed.size() == 1 ? 0 : random.nextInt(sealed.size() - 1);
    BackupSummary chosen = sealed.get(index);
    if (archiveEnd == null) {
      // Without archived WAL nothing can be replayed past the backup's own end point.
      return new Choice(chosen.backupId(), null);
    }
    Instant from = chosen.stopTime();
    Instant to = archiveEnd;
    if (index + 1 < sealed.size()) {
      Instant next = sealed.get(index + 1).stopTime();
      to = next.isBefore(to) ? next : to;
    }
    if (!to.isAfter(from.plusSeconds(1))) {
      return new Choice(chosen.backupId(), null);
    }
    long span = Duration.between(from, to).toSeconds();
    // From the first whole second after the backup's end: never before it.
    Instant start = from.plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    long offset = span <= 1 ? 0 : (long) (random.nextDouble() * (span - 1));
    return new Choice(chosen.backupId(), start.plusSeconds(offset));
  }
}
