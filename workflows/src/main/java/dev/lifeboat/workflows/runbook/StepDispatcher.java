package dev.lifeboat.workflows.runbook;

import dev.lifeboat.workflows.activities.RunbookStepActivities;
import dev.lifeboat.workflows.backup.ListBackupsWorkflow;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.TableRestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreResult;
import dev.lifeboat.workflows.restore.TableRestoreWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries out one attempt of one step, by type: an activity of {@link RunbookStepActivities}, a
 * timer, a child workflow (another runbook, a table restore). In a dry run it asks for the plan
 * instead. A failure comes back as {@link StepFailure} with the sentence to show; cancellation by
 * an abort passes through as {@link CanceledFailure}.
 */
final class StepDispatcher {

  /** How long one attempt of a step may take when the runbook does not say. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  private final RunbookRequest request;
  private final ClusterActions cluster;

  StepDispatcher(RunbookRequest request) {
    this.request = request;
    this.cluster = new ClusterActions(request);
  }

  /** Lets the cluster's failover lock go, if a step of this run took it. */
  void releaseClusterLock() {
    cluster.releaseClusterLock();
  }

  /** Runs one attempt and returns the step's output. */
  String attempt(RunbookStep step, Map<String, Object> with, int attempt) {
    boolean dryRun = request.mode() == RunbookMode.DRY_RUN;
    Duration timeout = RunbookDurations.parseOr(step.timeout(), DEFAULT_TIMEOUT);
    try {
      return switch (step.type()) {
        case StepTypes.WAIT -> waitFor(with, dryRun);
        case StepTypes.APPROVAL -> dryRun ? "would wait for approval" : "approved";
        case StepTypes.RUNBOOK -> childRunbook(step, with, attempt, timeout);
        case StepTypes.POSTGRES -> postgres(step, with, attempt, timeout, dryRun);
        case StepTypes.TRAFFIC -> cluster.traffic(step, with, timeout, dryRun);
        default -> activity(step, with, attempt, timeout, dryRun);
      };
    } catch (ActivityFailure | ChildWorkflowFailure e) {
      if (e.getCause() instanceof CanceledFailure canceled) {
        throw canceled;
      }
      if (e.getCause() instanceof TimeoutFailure) {
        throw new StepFailure("timed out after " + step.timeout());
      }
      throw new StepFailure(Failures.rootMessage(e), hopeless(e));
    }
  }

  /** Whether a failure should end the attempts at once, because no retry can cure it. */
  static boolean hopeless(Throwable failure) {
    return ErrorTypes.RUNBOOK_STEP_INVALID.equals(Failures.rootType(failure));
  }

  private String waitFor(Map<String, Object> with, boolean dryRun) {
    String text = String.valueOf(with.get("duration"));
    if (dryRun) {
      return "would wait " + text;
    }
    Workflow.sleep(RunbookDurations.parse(text));
    return "waited " + text;
  }

  private String activity(
      RunbookStep step, Map<String, Object> with, int attempt, Duration timeout, boolean dryRun) {
    RunbookStepActivities steps =
        Workflow.newActivityStub(
            RunbookStepActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setStartToCloseTimeout(dryRun ? Duration.ofSeconds(30) : timeout)
                // The interpreter counts and spaces attempts itself, so operators see them.
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    StepInvocation invocation =
        new StepInvocation(
            Workflow.getInfo().getWorkflowId(),
            step.id(),
            step.type(),
            with,
            request.cluster(),
            attempt,
            timeout.toSeconds());
    return dryRun ? steps.plan(invocation).output() : steps.execute(invocation).output();
  }

  private String childRunbook(
      RunbookStep step, Map<String, Object> with, int attempt, Duration timeout) {
    String name = String.valueOf(with.get("runbook"));
    Runbook child = request.library().get(name);
    if (child == null) {
      throw new StepFailure(
          "runbook '" + name + "' is not in this run's library " + request.library().keySet());
    }
    Map<String, String> childParams = new LinkedHashMap<>();
    if (with.get("params") instanceof Map<?, ?> given) {
      given.forEach((k, v) -> childParams.put(String.valueOf(k), String.valueOf(v)));
    }
    RunbookWorkflow stub =
        Workflow.newChildWorkflowStub(
            RunbookWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(Workflow.getInfo().getWorkflowId() + "." + step.id() + "." + attempt)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(step.timeout() == null ? null : timeout)
                .build());
    RunbookResult result =
        stub.run(
            new RunbookRequest(
                child,
                childParams,
                request.mode(),
                request.cluster(),
                request.library(),
                "runbook " + Workflow.getInfo().getWorkflowId()));
    if (!result.succeeded()) {
      throw new StepFailure(
          "runbook " + name + " ended " + result.outcome() + ": " + result.reason());
    }
    return "runbook " + name + " " + result.outcome() + " (" + result.steps().size() + " steps)";
  }

  private String postgres(
      RunbookStep step, Map<String, Object> with, int attempt, Duration timeout, boolean dryRun) {
    String action = String.valueOf(with.get("action"));
    if ("find-backup".equals(action)) {
      Instant before = instant(with.get("targetTime"));
      if (dryRun) {
        return "would list the backups of "
            + request.cluster()
            + " and pick the newest before "
            + before;
      }
      return describe(newestBackupBefore(before));
    }
    if ("restore-table".equals(action)) {
      return restoreTable(step, with, attempt, dryRun);
    }
    return cluster.postgres(step, with, attempt, timeout, dryRun);
  }

  /**
   * Brings tables back beside the live ones through {@code TableRestoreWorkflow}: from the named
   * backup, or, given {@code targetTime}, from the newest backup that ended before it (the last
   * clean one), restored to that backup's end point.
   */
  private String restoreTable(
      RunbookStep step, Map<String, Object> with, int attempt, boolean dryRun) {
    List<String> tables = stringList(with.get("tables"));
    String backupId = text(with.get("backup"));
    String destination = text(with.get("destination"));
    if (dryRun) {
      return "would restore "
          + tables
          + " of cluster "
          + request.cluster()
          + " from "
          + (backupId != null
              ? "backup " + backupId
              : "the newest backup before " + with.get("targetTime"))
          + " into a new schema lifeboat_restored_<time> (TableRestoreWorkflow)";
    }
    if (backupId == null) {
      BackupSummary clean = newestBackupBefore(instant(with.get("targetTime")));
      backupId = clean.backupId();
      destination = destination == null ? clean.destination() : destination;
    }
    Object port = with.get("scratchPort");
    TableRestoreWorkflow restore =
        Workflow.newChildWorkflowStub(
            TableRestoreWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(Workflow.getInfo().getWorkflowId() + "." + step.id() + "." + attempt)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .build());
    TableRestoreResult result =
        restore.restoreTables(
            new TableRestoreRequest(
                request.cluster(),
                tables,
                null,
                backupId,
                destination,
                null,
                port == null ? 55497 : Integer.parseInt(String.valueOf(port))));
    return "restored from backup "
        + backupId
        + " into schema "
        + result.schema()
        + ": "
        + result.rows();
  }

  /**
   * The newest backup that ended before the instant, preferring a copy proven restorable, listed by
   * {@code ListBackupsWorkflow} as a child.
   */
  private BackupSummary newestBackupBefore(Instant before) {
    List<BackupSummary> backups =
        Workflow.newChildWorkflowStub(
                ListBackupsWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(
                        Workflow.getInfo().getWorkflowId() + ".backups." + Workflow.randomUUID())
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .build())
            .list(request.cluster());
    return backups.stream()
        .filter(b -> b.stopTime() != null && !b.stopTime().isAfter(before))
        .max(Comparator.comparing(BackupSummary::stopTime).thenComparing(b -> b.provenAt() != null))
        .orElseThrow(
            () ->
                new StepFailure(
                    "no backup of "
                        + request.cluster()
                        + " ended before "
                        + before
                        + " ("
                        + backups.size()
                        + " backup copies listed); there is no clean backup to restore from",
                    true));
  }

  private static String describe(BackupSummary backup) {
    return "backup "
        + backup.backupId()
        + " ended "
        + backup.stopTime()
        + " in "
        + backup.destination()
        + (backup.provenAt() == null ? "" : ", proven restorable " + backup.provenAt());
  }

  private static Instant instant(Object value) {
    try {
      return Instant.parse(String.valueOf(value));
    } catch (DateTimeParseException e) {
      throw new StepFailure(
          "targetTime '" + value + "' is not an instant such as 2026-11-25T10:00:00Z", true);
    }
  }

  private static String text(Object value) {
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value);
  }

  private static List<String> stringList(Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }
}
