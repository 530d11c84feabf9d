package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.RecoveryOutcome;
import dev.lifeboat.workflows.model.RestorePlan;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.RestoreStep;
import dev.lifeboat.workflows.model.RestoreTask;
import dev.lifeboat.workflows.model.ValidationOutcome;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Plan, lay out, stage WAL, recover, validate. When a step fails, the half-restored directory and
 * its server are torn down in a detached scope (so even a cancelled restore cleans up), unless the
 * request asks to keep them for inspection.
 */
public class RestoreWorkflowImpl implements RestoreWorkflow {

  private static final String[] NOT_RETRYABLE = {
    ErrorTypes.INVALID_REQUEST,
    ErrorTypes.NO_BACKUP_FOR_TARGET,
    ErrorTypes.RESTORE_FAILED,
    ErrorTypes.MISSING_SECRET,
    ErrorTypes.UNKNOWN_DESTINATION
  };

  private final RestoreActivities planning =
      Workflow.newActivityStub(
          RestoreActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(5))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumAttempts(3)
                      .setDoNotRetry(NOT_RETRYABLE)
                      .build())
              .build());

  private String phase = "planning";

  @Override
  public RestoreReport restore(RestoreRequest request) {
    long started = Workflow.currentTimeMillis();
    validate(request);
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(request.cluster()),
        DrSearchAttributes.KIND.valueSet("restore"));
    RestorePlan plan = planning.plan(request);
    // The owner in the claim marker: no other restore into the same path is ever taken as ours.
    RestoreTask task = new RestoreTask(request, plan, Workflow.getInfo().getWorkflowId());
    String region =
        request.region() != null && !request.region().isBlank()
            ? request.region()
            : plan.sourceNode().region();
    RestoreActivities onHost = onRegion(region);
    try {
      phase = "laying out";
      RestoreStep layout = onHost.layOut(task);
      phase = "staging WAL";
      RestoreStep wal = onHost.stageWal(task);
      phase = "recovering";
      RecoveryOutcome recovery = onHost.recover(task);
      phase = "validating";
      ValidationOutcome validation = onHost.validate(task);
      RestoreReport report =
          new RestoreReport(
              plan,
              request.directory(),
              request.port(),
              layout,
              wal,
              recovery,
              validation,
              (Workflow.currentTimeMillis() - started) / 1000.0);
      if (request.scratch()) {
        phase = "tearing down";
        Workflow.newDetachedCancellationScope(() -> onHost.tearDown(task)).run();
        if (report.proven()) {
          planning.recordProof(report);
        }
      }
      phase = "done";
      Workflow.upsertTypedSearchAttributes(
          DrSearchAttributes.OUTCOME.valueSet(report.proven() ? "proven" : "unproven"));
      return report;
    } catch (ActivityFailure | CanceledFailure failure) {
      phase = "failed";
      Workflow.upsertTypedSearchAttributes(DrSearchAttributes.OUTCOME.valueSet("failed"));
      if (!request.keepOnFailure() || request.scratch()) {
        // Detached: the teardown runs even when the failure is this workflow's cancellation.
        Workflow.newDetachedCancellationScope(() -> onHost.tearDown(task)).run();
      }
      if (failure instanceof ActivityFailure activity) {
        throw ApplicationFailure.newNonRetryableFailure(
            "restore of "
                + plan.backupId()
                + " into "
                + request.directory()
                + " failed: "
                + Failures.rootMessage(activity)
                + (request.keepOnFailure() ? " (kept for inspection)" : " (cleaned up)"),
            ErrorTypes.RESTORE_FAILED);
      }
      throw failure;
    }
  }

  @Override
  public String phase() {
    return phase;
  }

  private static RestoreActivities onRegion(String region) {
    return Workflow.newActivityStub(
        RestoreActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(region))
            .setStartToCloseTimeout(Duration.ofHours(12))
            .setHeartbeatTimeout(Duration.ofSeconds(60))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(2))
                    .setMaximumInterval(Duration.ofSeconds(30))
                    .setMaximumAttempts(3)
                    .setDoNotRetry(NOT_RETRYABLE)
                    .build())
            .build());
  }

  private static void validate(RestoreRequest request) {
    String problem = null;
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      problem = "a cluster";
    } else if (request.directory() == null || request.directory().isBlank()) {
      problem = "a directory for the new data directory";
    } else if (request.port() <= 0 || request.port() > 65535) {
      problem = "a port between 1 and 65535";
    }
    if (problem != null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "RestoreWorkflow needs "
              + problem
              + ": start it with --input '{\"cluster\":\"shop\",\"directory\":\"/var/tmp/shop-restore\",\"port\":55499}'",
          ErrorTypes.INVALID_REQUEST);
    }
    if (request.untilConsistent() && request.hasTarget()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "untilConsistent stops at the backup's own end point and cannot be combined with a"
              + " target time or LSN",
          ErrorTypes.INVALID_REQUEST);
    }
    if (!request.promoteOrDefault() && !request.hasTarget()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "staying paused needs a target time or LSN to pause at", ErrorTypes.INVALID_REQUEST);
    }
  }
}
