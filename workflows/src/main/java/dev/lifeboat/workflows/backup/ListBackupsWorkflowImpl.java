package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.model.BackupSummary;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Asks every destination at once and merges the answers. */
public class ListBackupsWorkflowImpl implements ListBackupsWorkflow {

  private final BackupActivities backups = BackupActivityStubs.quick();

  @Override
  public List<BackupSummary> list(String cluster) {
    List<String> destinations = backups.destinations();
    List<Promise<List<BackupSummary>>> pending = new ArrayList<>();
    for (String destination : destinations) {
      pending.add(Async.function(backups::list, cluster, destination));
    }
    List<BackupSummary> all = new ArrayList<>();
    for (Promise<List<BackupSummary>> listing : pending) {
      all.addAll(listing.get());
    }
    all.sort(
        Comparator.comparing(BackupSummary::backupId)
            .thenComparing(s -> destinations.indexOf(s.destination())));
    return all;
  }
}
