package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.model.BackupInventory;
import dev.lifeboat.workflows.model.BackupSummary;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Asks every destination at once; one that does not answer is named, not fatal. */
public class BackupInventoryWorkflowImpl implements BackupInventoryWorkflow {

  /** Few attempts: a status must answer soon, and a destination that is down is the answer. */
  private final BackupActivities backups =
      Workflow.newActivityStub(
          BackupActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumAttempts(2)
                      .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.UNKNOWN_DESTINATION)
                      .build())
              .build());

  @Override
  public BackupInventory inventory(String cluster) {
    List<String> destinations = backups.destinations();
    Map<String, Promise<List<BackupSummary>>> pending = new LinkedHashMap<>();
    for (String destination : destinations) {
      pending.put(destination, Async.function(backups::list, cluster, destination));
    }
    List<BackupSummary> all = new ArrayList<>();
    Map<String, String> unreachable = new LinkedHashMap<>();
    pending.forEach(
        (destination, listing) -> {
          try {
            all.addAll(listing.get());
          } catch (ActivityFailure failure) {
            unreachable.put(destination, Failures.rootMessage(failure));
          }
        });
    all.sort(
        Comparator.comparing(BackupSummary::backupId)
            .thenComparing(s -> destinations.indexOf(s.destination())));
    return new BackupInventory(destinations, all, unreachable);
  }
}
