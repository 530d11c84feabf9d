package dev.lifeboat.starter.client;

import dev.lifeboat.workflows.archive.WalArchiverWorkflow;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalArchiverRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;

/**
 * Starts, asks and stops the WAL archiver of a cluster ({@code WalArchiverWorkflow}, id {@code
 * wal-archiver-<cluster>}). Starting is idempotent: a running archiver is left as it is, a stopped
 * one is started again.
 */
public final class ArchiveClient {

  private final WorkflowClient client;

  public ArchiveClient(WorkflowClient client) {
    this.client = client;
  }

  /** What {@link #ensureRunning} found or did. */
  public record Started(String workflowId, String runId, boolean alreadyRunning) {}

  /** Starts the archiver of a cluster unless it is running. */
  public Started ensureRunning(String cluster) {
    String workflowId = WalArchiverRequest.workflowId(cluster);
    boolean running = running(workflowId);
    WalArchiverWorkflow workflow =
        client.newWorkflowStub(
            WalArchiverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowIdConflictPolicy(
                    WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(DrSearchAttributes.CLUSTER, cluster)
                        .set(DrSearchAttributes.KIND, DrSearchAttributes.KIND_BACKUP)
                        .build())
                .build());
    WorkflowExecution execution =
        WorkflowClient.start(workflow::archive, WalArchiverRequest.of(cluster));
    return new Started(workflowId, execution.getRunId(), running);
  }

  /**
   * Returns the archiver's status.
   *
   * @throws IllegalStateException when the cluster has no running archiver
   */
  public WalArchiveStatus status(String cluster) {
    String workflowId = requireRunning(cluster);
    return client.newWorkflowStub(WalArchiverWorkflow.class, workflowId).status();
  }

  /**
   * Stops the archiver and returns its final status.
   *
   * @param dropSlot also drop its replication slot
   */
  public WalArchiveStatus stop(String cluster, boolean dropSlot) {
    String workflowId = requireRunning(cluster);
    return client.newWorkflowStub(WalArchiverWorkflow.class, workflowId).stop(dropSlot);
  }

  private String requireRunning(String cluster) {
    String workflowId = WalArchiverRequest.workflowId(cluster);
    if (!running(workflowId)) {
      throw new IllegalStateException(
          "cluster "
              + cluster
              + " has no running WAL archiver ("
              + workflowId
              + "); start it with 'lifeboat archive start --cluster "
              + cluster
              + "'");
    }
    return workflowId;
  }

  private boolean running(String workflowId) {
    try {
      return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowNotFoundException e) {
      return false;
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
