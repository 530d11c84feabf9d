package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** The activity options of the backup workflows, in one place. Call from workflow code only. */
final class BackupActivityStubs {

  /** A reading or writing activity that stops heartbeating this long is presumed dead. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(60);

  private BackupActivityStubs() {}

  /** For quick calls that read the worker's configuration or list manifests. */
  static BackupActivities quick() {
    return Workflow.newActivityStub(
        BackupActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(2))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(5)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.UNKNOWN_DESTINATION)
                    .build())
            .build());
  }

  /** For activities that move whole backups: long, heartbeating, each with its own retries. */
  static BackupActivities longRunning() {
    return Workflow.newActivityStub(
        BackupActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofHours(6))
            .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(2))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofMinutes(1))
                    .setMaximumAttempts(5)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.UNKNOWN_DESTINATION)
                    .build())
            .build());
  }
}
