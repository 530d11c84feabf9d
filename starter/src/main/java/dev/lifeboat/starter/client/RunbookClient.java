package dev.lifeboat.starter.client;

import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookRunStatus;
import dev.lifeboat.workflows.runbook.RunbookWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts, steers and follows {@code RunbookWorkflow} runs. Every control is a Workflow Update, so a
 * rejected one (wrong step, wrong approver, stale hash) comes back as an exception with the
 * workflow's reason and leaves no trace in the run's history.
 */
public final class RunbookClient {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final WorkflowClient client;
  private final Clock clock;

  public RunbookClient(WorkflowClient client) {
    this(client, Clock.systemUTC());
  }

  RunbookClient(WorkflowClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** A started run. */
  public record Started(String workflowId, String runId) {}

  /** One past or running run, for {@code history}. */
  public record RunSummary(
      String workflowId, String status, String started, String closed, String outcome) {}

  /**
   * Starts a run; its workflow id is {@code runbook-<name>-<UTC second>}, and the runbook's content
   * hash goes into the memo at once, so the Web UI shows which version runs.
   */
  public Started start(RunbookRequest request) {
    String workflowId =
        "runbook-" + request.runbook().name() + "-" + ID_TIME.format(clock.instant());
    SearchAttributes.Builder attributes =
        SearchAttributes.newBuilder().set(DrSearchAttributes.KIND, DrSearchAttributes.KIND_RUNBOOK);
    if (request.cluster() != null) {
      attributes.set(DrSearchAttributes.CLUSTER, request.cluster());
    }
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("runbook", request.runbook().name());
    memo.put("contentHash", String.valueOf(request.runbook().contentHash()));
    memo.put("mode", request.mode().label());
    RunbookWorkflow workflow =
        client.newWorkflowStub(
            RunbookWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofDays(2))
                .setTypedSearchAttributes(attributes.build())
                .setMemo(memo)
                .build());
    WorkflowExecution execution = WorkflowClient.start(workflow::run, request);
    return new Started(workflowId, execution.getRunId());
  }

  /** The run's current status. */
  public RunbookRunStatus status(String workflowId) {
    return stub(workflowId).status();
  }

  /** Waits for the run's result. */
  public RunbookResult await(String workflowId, Duration timeout) throws TimeoutException {
    return WorkflowStub.fromTyped(stub(workflowId))
        .getResult(timeout.toMillis(), TimeUnit.MILLISECONDS, RunbookResult.class);
  }

  /** Whether the run has ended. */
  public boolean closed(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId).describe().getStatus()
        != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }

  public String approve(String workflowId, String step, String approver, String hash) {
    return stub(workflowId).approve(step, approver, hash);
  }

  public String pause(String workflowId) {
    return stub(workflowId).pause();
  }

  public String resume(String workflowId) {
    return stub(workflowId).resume();
  }

  public String retry(String workflowId, String step) {
    return stub(workflowId).retry(step);
  }

  public String skip(String workflowId, String step, String reason) {
    return stub(workflowId).skip(step, reason);
  }

  public String abort(String workflowId, boolean rollback) {
    return stub(workflowId).abort(rollback);
  }

  public String confirm(String workflowId) {
    return stub(workflowId).confirm();
  }

  /** Runs of one runbook (or of all when {@code name} is null), newest first. */
  public List<RunSummary> history(String name, int limit) {
    String query = "DrKind='" + DrSearchAttributes.KIND_RUNBOOK + "'";
    if (name != null) {
      if (!name.matches("[a-z0-9-]+")) {
        throw new IllegalArgumentException("'" + name + "' is not a runbook name");
      }
      query += " AND WorkflowId STARTS_WITH 'runbook-" + name + "-'";
    }
    return client.listExecutions(query).limit(limit).map(RunbookClient::summary).toList();
  }

  private static RunSummary summary(WorkflowExecutionMetadata run) {
    String outcome = run.getTypedSearchAttributes().get(DrSearchAttributes.OUTCOME);
    return new RunSummary(
        run.getExecution().getWorkflowId(),
        run.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase(),
        String.valueOf(run.getStartTime()),
        run.getCloseTime() == null ? "" : String.valueOf(run.getCloseTime()),
        outcome == null ? "" : outcome);
  }

  private RunbookWorkflow stub(String workflowId) {
    return client.newWorkflowStub(RunbookWorkflow.class, workflowId);
  }
}
