package dev.lifeboat.starter.client;

import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.restore.RestoreWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts and follows {@code RestoreWorkflow}: a restore into a new directory (which keeps its
 * server running), or a test restore that proves a backup and tears itself down.
 */
public final class RestoreClient {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final WorkflowClient client;
  private final Clock clock;

  public RestoreClient(WorkflowClient client) {
    this(client, Clock.systemUTC());
  }

  RestoreClient(WorkflowClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** A started restore. */
  public record Started(String workflowId, String runId) {}

  /** Starts a restore; its workflow id is {@code restore-<cluster>-<UTC second>}. */
  public Started start(RestoreRequest request) {
    String workflowId = "restore-" + request.cluster() + "-" + ID_TIME.format(clock.instant());
    RestoreWorkflow workflow =
        client.newWorkflowStub(
            RestoreWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofHours(24))
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(DrSearchAttributes.CLUSTER, request.cluster())
                        .set(DrSearchAttributes.KIND, "restore")
                        .build())
                .build());
    WorkflowExecution execution = WorkflowClient.start(workflow::restore, request);
    return new Started(workflowId, execution.getRunId());
  }

  /** The phase of a running restore. */
  public String phase(String workflowId) {
    return client.newWorkflowStub(RestoreWorkflow.class, workflowId).phase();
  }

  /** Waits for a restore's report. */
  public RestoreReport await(String workflowId, Duration timeout) throws TimeoutException {
    return WorkflowStub.fromTyped(client.newWorkflowStub(RestoreWorkflow.class, workflowId))
        .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RestoreReport.class);
  }

  /** Restores and waits. */
  public RestoreReport restore(RestoreRequest request, Duration timeout) throws TimeoutException {
    return await(start(request).workflowId(), timeout);
  }

  /**
   * Proves a backup restorable: restores it to its own end point in a scratch directory on the
   * source region's worker, validates it, tears it down and stamps the backup when it passed.
   */
  public RestoreReport prove(
      String cluster, String backupId, String destination, String scratchDirectory, int port)
      throws TimeoutException {
    return restore(
        RestoreRequest.proof(cluster, backupId, destination, scratchDirectory, port),
        Duration.ofHours(12));
  }
}
