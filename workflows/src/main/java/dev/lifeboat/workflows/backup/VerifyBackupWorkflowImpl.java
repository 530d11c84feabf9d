package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/** One verification activity per destination, in parallel. */
public class VerifyBackupWorkflowImpl implements VerifyBackupWorkflow {

  private final BackupActivities configuration = BackupActivityStubs.quick();
  private final BackupActivities verifications = BackupActivityStubs.longRunning();

  @Override
  public List<VerificationSummary> verify(String cluster, String backupId) {
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_BACKUP));
    List<String> destinations = configuration.destinations();
    List<Promise<VerificationSummary>> pending = new ArrayList<>();
    for (String destination : destinations) {
      pending.add(Async.function(verifications::verify, cluster, backupId, destination));
    }
    List<VerificationSummary> results = new ArrayList<>();
    for (int i = 0; i < pending.size(); i++) {
      try {
        results.add(pending.get(i).get());
      } catch (ActivityFailure failure) {
        results.add(
            new VerificationSummary(
                destinations.get(i),
                backupId,
                false,
                0,
                0,
                List.of("verification could not run: " + Failures.rootMessage(failure))));
      }
    }
    boolean intact = results.stream().allMatch(VerificationSummary::intact);
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.OUTCOME.valueSet(intact ? "intact" : "damaged"));
    return results;
  }
}
