package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.model.BackupProgress;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Takes a backup of a cluster and stores it in several destinations. The database is read once: the
 * backup lands in the first destination that accepts it, and is then copied to the others in
 * parallel, each copy with its own retries, so a slow or unreachable destination delays only its
 * own copy. The backup succeeds when {@code quorum} copies are sealed.
 *
 * <p>Start it with {@code lifeboat backup full --cluster shop}, or:
 *
 * <pre>
 * temporal workflow start --type BackupWorkflow --task-queue lifeboat \
 *   --workflow-id backup-shop-manual-1 --input '{"cluster":"shop","type":"full","quorum":2}'
 * </pre>
 *
 * <p>Search attributes: {@code DrCluster}, {@code DrKind=backup}, and when done {@code DrOutcome}
 * ({@code complete}, {@code partial} or {@code failed}).
 */
@WorkflowInterface
public interface BackupWorkflow {

  /** The workflow type name, for {@code temporal workflow start --type}. */
  String TYPE = "BackupWorkflow";

  /**
   * Takes the backup.
   *
   * @param request what to back up, where to, and how many copies must succeed
   * @return the backup's id, LSN range and the state of every copy
   */
  @WorkflowMethod(name = TYPE)
  BackupResult backup(BackupRequest request);

  /** Returns the phase and the sealed copies so far. */
  @QueryMethod
  BackupProgress progress();
}
