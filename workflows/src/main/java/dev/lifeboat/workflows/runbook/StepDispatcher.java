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
      return findBackup(with, dryRun);
    }
    if (!"restore-table".equals(action)) {
      return cluster.postgres(step, with, attempt, timeout, dryRun);
    }
    List<String> tables = stringList(with.get("tables"));
    String targetTime = text(with.get("targetTime"));
    String backupId = text(with.get("backup"));
    if (dryRun) {
      return "would restore "
          + tables
          + " of cluster "
          + request.cluster()
          + " as of "
          + (targetTime != null ? targetTime : "backup " + backupId)
          + " into a new schema lifeboat_restored_<time> (TableRestoreWorkflow)";
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
                targetTime,
                backupId,
                text(with.get("destination")),
                null,
                port == null ? 55497 : Integer.parseInt(String.valueOf(port))));
    return "restored into schema " + result.schema() + ": " + result.rows();
  }

  /**
   * Finds the newest backup that ended before the given instant, preferring one proven restorable,
   * through {@code ListBackupsWorkflow} as a child.
   */
  private String findBackup(Map<String, Object> with, boolean dryRun) {
    String text = String.valueOf(with.get("targetTime"));
    java.time.Instant before;
    try {
      before = java.time.Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new StepFailure(
          "targetTime '" + text + "' is not an instant such as 2026-11-25T10:00:00Z", true);
    }
    if (dryRun) {
      return "would list the backups of "
          + request.cluster()
          + " and pick the newest before "
          + before;
    }
    List<BackupSummary> backups =
        Workflow.newChildWorkflowStub(
                ListBackupsWorkflow.class,
                ChildWorkflowOptions.newBuilder()
                    .setWorkflowId(
                        Workflow.getInfo().getWorkflowId()
                            + ".backups."
                            + Workflow.currentTimeMillis())
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .build())
            .list(request.cluster());
    BackupSummary newest =
        backups.stream()
            .filter(b -> b.stopTime() != null && b.stopTime().compareTo(before) <= 0)
            .max(
                java.util.Comparator.comparing(BackupSummary::stopTime)
                    .thenComparing(b -> b.provenAt() != null))
            .orElseThrow(
                () ->
                    new StepFailure(
                        "no backup of "
                            + request.cluster()
                            + " ended before "
                            + before
                            + " ("
                            + backups.size()
                            + " backups listed); the table cannot be brought back from a backup",
                        true));
    return "backup "
        + newest.backupId()
        + " ended "
        + newest.stopTime()
        + " in "
        + newest.destination()
        + (newest.provenAt() == null ? "" : ", proven restorable " + newest.provenAt());
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
