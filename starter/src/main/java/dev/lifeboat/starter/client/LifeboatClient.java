package dev.lifeboat.starter.client;

import dev.lifeboat.config.TemporalSettings;
import dev.lifeboat.workflows.backup.BackupInventoryWorkflow;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.backup.ListBackupsWorkflow;
import dev.lifeboat.workflows.backup.RetentionWorkflow;
import dev.lifeboat.workflows.backup.VerifyBackupWorkflow;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.ClusterHealthWorkflow;
import dev.lifeboat.workflows.model.BackupInventory;
import dev.lifeboat.workflows.model.BackupProgress;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.TransferProgress;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Java client of Lifeboat: starts and follows Lifeboat workflows on a Temporal server. The CLI
 * is a thin layer over it; applications can use it directly.
 *
 * <pre>{@code
 * try (LifeboatClient lifeboat = LifeboatClient.connect(settings)) {
 *   ClusterTopology topology = lifeboat.checkHealth("shop", Duration.ofMinutes(2)).topology();
 * }
 * }</pre>
 */
public final class LifeboatClient implements AutoCloseable {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(java.time.ZoneOffset.UTC);

  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private final TemporalSettings settings;
  private final Clock clock;

  private LifeboatClient(
      WorkflowServiceStubs service, WorkflowClient client, TemporalSettings settings, Clock clock) {
    this.service = service;
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  /** Connects to the Temporal server named by the settings. */
  public static LifeboatClient connect(TemporalSettings settings) {
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(settings.address()).build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(settings.namespace()).build());
    return new LifeboatClient(service, client, settings, Clock.systemUTC());
  }

  /** Wraps an existing client, for tests and for applications that already have one. */
  public static LifeboatClient of(WorkflowClient client, TemporalSettings settings) {
    return new LifeboatClient(null, client, settings, Clock.systemUTC());
  }

  /** A finished health check: where to see it and what it found. */
  public record HealthRun(
      String workflowId, String runId, String uiUrl, ClusterTopology topology) {}

  /**
   * Runs {@code ClusterHealthWorkflow} on a cluster and waits for its result.
   *
   * @param cluster the cluster name from the worker's lifeboat.yaml
   * @param timeout how long to wait for the result
   * @throws TimeoutException when no result came in time, usually because no worker is running
   */
  public HealthRun checkHealth(String cluster, Duration timeout) throws TimeoutException {
    String workflowId = "health-" + cluster + "-" + ID_TIME.format(clock.instant());
    ClusterHealthWorkflow workflow =
        client.newWorkflowStub(
            ClusterHealthWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(DrSearchAttributes.CLUSTER, cluster)
                        .set(DrSearchAttributes.KIND, DrSearchAttributes.KIND_HEALTH)
                        .build())
                .build());
    WorkflowExecution execution =
        WorkflowClient.start(workflow::check, new ClusterHealthRequest(cluster));
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    ClusterTopology topology;
    try {
      topology = stub.getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, ClusterTopology.class);
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "no result from "
              + workflowId
              + " within "
              + timeout.toSeconds()
              + " s: is a worker polling task queue '"
              + TaskQueues.ORCHESTRATION
              + "'? Start one with './lifeboat worker start'; the run stays visible at "
              + settings.runUrl(workflowId, execution.getRunId()));
    }
    return new HealthRun(
        workflowId,
        execution.getRunId(),
        settings.runUrl(workflowId, execution.getRunId()),
        topology);
  }

  /** A started backup: where to follow it. */
  public record BackupRun(String workflowId, String runId, String uiUrl) {}

  /**
   * Starts {@code BackupWorkflow}. The workflow id is {@code backup-<cluster>-<UTC second>}, so two
   * starts for the same cluster in the same second cannot both run.
   */
  public BackupRun startBackup(BackupRequest request) {
    String workflowId = "backup-" + request.cluster() + "-" + ID_TIME.format(clock.instant());
    BackupWorkflow workflow =
        client.newWorkflowStub(
            BackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowIdReusePolicy(
                    io.temporal.api.enums.v1.WorkflowIdReusePolicy
                        .WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(DrSearchAttributes.CLUSTER, request.cluster())
                        .set(DrSearchAttributes.KIND, DrSearchAttributes.KIND_BACKUP)
                        .build())
                .build());
    WorkflowExecution execution = WorkflowClient.start(workflow::backup, request);
    return new BackupRun(
        workflowId, execution.getRunId(), settings.runUrl(workflowId, execution.getRunId()));
  }

  /**
   * A workflow as one DescribeWorkflowExecution call sees it.
   *
   * @param running whether it is still running
   * @param progress what its long activity last reported in a heartbeat, if one is running and has
   *     reported
   */
  public record RunState(boolean running, java.util.Optional<TransferProgress> progress) {}

  /** Describes a workflow: whether it still runs, and its long activity's progress. */
  public RunState runState(String workflowId) {
    var description =
        client
            .getWorkflowServiceStubs()
            .blockingStub()
            .describeWorkflowExecution(
                io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace(settings.namespace())
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build());
    boolean running =
        description.getWorkflowExecutionInfo().getStatus()
            == io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    for (var activity : description.getPendingActivitiesList()) {
      if (activity.hasHeartbeatDetails()) {
        try {
          return new RunState(
              running,
              java.util.Optional.of(
                  io.temporal.common.converter.DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
                      0,
                      java.util.Optional.of(activity.getHeartbeatDetails()),
                      TransferProgress.class,
                      TransferProgress.class)));
        } catch (io.temporal.common.converter.DataConverterException notProgress) {
          // An older worker's details; no bar for it.
        }
      }
    }
    return new RunState(running, java.util.Optional.empty());
  }

  /**
   * Returns the progress a running workflow's long activity last reported in its heartbeat, if one
   * is running and has reported.
   */
  public java.util.Optional<TransferProgress> activityProgress(String workflowId) {
    return runState(workflowId).progress();
  }

  /** Asks a running backup for its phase. */
  public BackupProgress backupProgress(String workflowId) {
    return client.newWorkflowStub(BackupWorkflow.class, workflowId).progress();
  }

  /**
   * Waits for a backup's result.
   *
   * @throws TimeoutException when it has not finished in time; it keeps running
   */
  public BackupResult awaitBackup(String workflowId, Duration timeout) throws TimeoutException {
    return client
        .newUntypedWorkflowStub(workflowId)
        .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, BackupResult.class);
  }

  /** Lists the sealed backups of a cluster in every destination (ListBackupsWorkflow). */
  public List<BackupSummary> listBackups(String cluster, Duration timeout) throws TimeoutException {
    ListBackupsWorkflow workflow =
        client.newWorkflowStub(
            ListBackupsWorkflow.class, shortRun("list-backups-" + cluster, cluster));
    WorkflowClient.start(workflow::list, cluster);
    return List.of(
        WorkflowStub.fromTyped(workflow)
            .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, BackupSummary[].class));
  }

  /** Lists every backup copy, naming the destinations that could not be listed. */
  public BackupInventory backupInventory(String cluster, Duration timeout) throws TimeoutException {
    BackupInventoryWorkflow workflow =
        client.newWorkflowStub(
            BackupInventoryWorkflow.class, shortRun("backup-inventory-" + cluster, cluster));
    WorkflowClient.start(workflow::inventory, cluster);
    return WorkflowStub.fromTyped(workflow)
        .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, BackupInventory.class);
  }

  /** Verifies a backup in every destination (VerifyBackupWorkflow). */
  public List<VerificationSummary> verifyBackup(String cluster, String backupId, Duration timeout)
      throws TimeoutException {
    VerifyBackupWorkflow workflow =
        client.newWorkflowStub(
            VerifyBackupWorkflow.class, shortRun("verify-" + cluster + "-" + backupId, cluster));
    WorkflowClient.start(workflow::verify, cluster, backupId);
    return List.of(
        WorkflowStub.fromTyped(workflow)
            .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, VerificationSummary[].class));
  }

  /** Plans, and with {@code apply} performs, retention (RetentionWorkflow). */
  public RetentionPlan retention(RetentionRequest request, Duration timeout)
      throws TimeoutException {
    RetentionWorkflow workflow =
        client.newWorkflowStub(
            RetentionWorkflow.class, shortRun("retention-" + request.cluster(), request.cluster()));
    WorkflowClient.start(workflow::run, request);
    return WorkflowStub.fromTyped(workflow)
        .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RetentionPlan.class);
  }

  private WorkflowOptions shortRun(String idPrefix, String cluster) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(idPrefix + "-" + ID_TIME.format(clock.instant()))
        .setTaskQueue(TaskQueues.ORCHESTRATION)
        .setWorkflowExecutionTimeout(Duration.ofHours(6))
        .setTypedSearchAttributes(
            SearchAttributes.newBuilder()
                .set(DrSearchAttributes.CLUSTER, cluster)
                .set(DrSearchAttributes.KIND, DrSearchAttributes.KIND_BACKUP)
                .build())
        .build();
  }

  /** Returns the backup schedules of this namespace. */
  public BackupSchedules schedules() {
    return new BackupSchedules(
        io.temporal.client.schedules.ScheduleClient.newInstance(
            service == null ? client.getWorkflowServiceStubs() : service,
            io.temporal.client.schedules.ScheduleClientOptions.newBuilder()
                .setNamespace(settings.namespace())
                .build()),
        client);
  }

  /** Returns the underlying Temporal client for operations not wrapped here. */
  public WorkflowClient temporal() {
    return client;
  }

  @Override
  public void close() {
    if (service != null) {
      service.shutdown();
      service.awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
