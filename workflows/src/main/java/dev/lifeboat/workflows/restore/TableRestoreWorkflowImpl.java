package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.RestoreTask;
import dev.lifeboat.workflows.model.TableRestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scratch restore to the target, copy the tables into a new schema of the primary, optionally swap
 * them in for the live ones, tear down.
 */
public class TableRestoreWorkflowImpl implements TableRestoreWorkflow {

  private static final DateTimeFormatter SCHEMA_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'_'HHmmss").withZone(ZoneOffset.UTC);

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  @Override
  public TableRestoreResult restoreTables(TableRestoreRequest request) {
    if (request == null || request.cluster() == null || request.tables().isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "TableRestoreWorkflow needs a cluster and at least one table: --input"
              + " '{\"cluster\":\"shop\",\"tables\":[\"public.alerts\"],\"targetTime\":\"...\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    for (String table : request.tables()) {
      if (!table.matches("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*")) {
        throw ApplicationFailure.newNonRetryableFailure(
            "table '" + table + "' is not a lower-case schema.table name such as public.alerts",
            ErrorTypes.INVALID_REQUEST);
      }
    }
    if (request.replace()
        && !new java.util.TreeSet<>(request.confirm())
            .equals(new java.util.TreeSet<>(request.tables()))) {
      throw ApplicationFailure.newNonRetryableFailure(
          "replacing live tables needs them confirmed by name: repeat "
              + String.join(",", request.tables())
              + " as the confirmation (--confirm "
              + String.join(",", request.tables())
              + "); nothing was changed",
          ErrorTypes.INVALID_REQUEST);
    }
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(request.cluster()),
        DrSearchAttributes.KIND.valueSet("restore"));
    Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String schema = "lifeboat_restored_" + SCHEMA_TIME.format(now).toLowerCase(Locale.ROOT);
    String workflowId = Workflow.getInfo().getWorkflowId();
    String directory =
        request.scratchDirectory() != null && !request.scratchDirectory().isBlank()
            ? request.scratchDirectory()
            : "/var/tmp/lifeboat-table-restore-" + workflowId.replaceAll("[^A-Za-z0-9_.-]", "_");
    boolean atBackupEnd =
        (request.targetTime() == null || request.targetTime().isBlank())
            && request.backupId() != null;
    RestoreRequest scratch =
        new RestoreRequest(
            request.cluster(),
            request.backupId(),
            request.targetTime(),
            null,
            atBackupEnd,
            request.destination(),
            directory,
            request.scratchPort(),
            null,
            true,
            false);
    String scratchId = workflowId + "-scratch";
    RestoreReport report =
        Workflow.newChildWorkflowStub(
                RestoreWorkflow.class,
                ChildWorkflowOptions.newBuilder().setWorkflowId(scratchId).build())
            .restore(scratch);
    // The child restore claimed the scratch directory: its teardown here acts as that owner.
    RestoreTask task = new RestoreTask(scratch, report.plan(), scratchId);
    RestoreActivities onHost =
        Workflow.newActivityStub(
            RestoreActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.forRegion(report.plan().sourceNode().region()))
                .setStartToCloseTimeout(Duration.ofHours(6))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setMaximumAttempts(3)
                        .setDoNotRetry(ErrorTypes.INVALID_REQUEST, ErrorTypes.RESTORE_FAILED)
                        .build())
                .build());
    try {
      NodeSpec primary = primary(topology.describeCluster(request.cluster()));
      Map<String, Long> rows = onHost.copyTables(task, primary, request.tables(), schema);
      if (!request.replace()) {
        return new TableRestoreResult(schema, rows, report);
      }
      // Only requests with replace (new with this version) take this step, so histories of
      // earlier runs never reach it; the version marks the shape change all the same.
      Workflow.getVersion("table-replace", Workflow.DEFAULT_VERSION, 1);
      String replacedSchema =
          "lifeboat_replaced_" + SCHEMA_TIME.format(now).toLowerCase(Locale.ROOT);
      Map<String, String> replaced =
          onHost.replaceTables(task, primary, request.tables(), schema, replacedSchema);
      return new TableRestoreResult(schema, rows, report, replaced);
    } finally {
      // Detached: the scratch server goes away even when this workflow is cancelled.
      Workflow.newDetachedCancellationScope(() -> onHost.tearDown(task)).run();
    }
  }

  private static NodeSpec primary(ClusterSpec spec) {
    List<NodeProbe> probes = new RegionalProbes(Duration.ofSeconds(60)).probeAll(spec);
    String name =
        probes.stream()
            .filter(p -> p.reachable() && p.role() == NodeRole.PRIMARY)
            .map(NodeProbe::node)
            .findFirst()
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "cluster " + spec.name() + " has no reachable primary to restore into",
                        ErrorTypes.NO_SOURCE));
    return spec.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
  }
}
