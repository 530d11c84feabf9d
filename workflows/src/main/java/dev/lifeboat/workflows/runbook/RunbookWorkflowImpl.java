package dev.lifeboat.workflows.runbook;

import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.ClusterSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Functions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The interpreter. It reads like the runbook it runs: for each step, skip it if asked or if its
 * condition does not hold, wait while paused, collect approvals, try it up to its attempts, and on
 * failure follow its {@code onFailure}. Completed steps with a rollback block are remembered, so a
 * rollback undoes them newest first.
 */
public class RunbookWorkflowImpl implements RunbookWorkflow {

  static final Duration DEFAULT_DECISION_TIMEOUT = Duration.ofMinutes(30);
  static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofMinutes(15);
  static final Duration VERIFY_INTERVAL = Duration.ofSeconds(30);

  private static final Logger log = Workflow.getLogger(RunbookWorkflowImpl.class);

  private enum Flow {
    NEXT,
    ROLLBACK,
    ABORT
  }

  private record Decision(boolean retry, String reason) {}

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumAttempts(5)
                      .setDoNotRetry(ErrorTypes.UNKNOWN_CLUSTER)
                      .build())
              .build());

  private RunbookRequest request;
  private Runbook runbook;
  private Map<String, String> params = Map.of();
  private StepDispatcher dispatcher;
  private final Map<String, StepState> states = new LinkedHashMap<>();
  private final Deque<RunbookStep> undo = new ArrayDeque<>();
  private final Map<String, Decision> decisions = new HashMap<>();
  private final Map<String, String> skipRequests = new HashMap<>();
  private final List<CancellationScope> running = new ArrayList<>();
  private String state = RunbookRunStatus.STARTING;
  private boolean finished;
  private boolean paused;
  private boolean rollingBack;
  private Boolean abortWithRollback;
  private String abortReason;
  private boolean confirmed;
  private String confirmBy;
  private String endReason;

  @Override
  public RunbookResult run(RunbookRequest input) {
    start(input);
    for (RunbookStep step : runbook.steps()) {
      Flow flow = runStep(step);
      if (flow == Flow.ROLLBACK) {
        rollback();
        return finish(RunbookResult.ROLLED_BACK, endReason + "; completed steps rolled back");
      }
      if (flow == Flow.ABORT) {
        return aborted();
      }
    }
    if (request.mode() == RunbookMode.DRY_RUN) {
      return finish(RunbookResult.PLANNED, "dry run: nothing was changed");
    }
    if (runbook.rollbackAfter() != null) {
      return awaitConfirmation();
    }
    return completed("all steps done");
  }

  private void start(RunbookRequest input) {
    if (input == null || input.runbook() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "RunbookWorkflow needs a validated runbook: start it with 'lifeboat runbook run NAME'"
              + " or take the input from 'lifeboat runbook plan NAME --json'",
          ErrorTypes.RUNBOOK_INVALID);
    }
    request = input;
    runbook = input.runbook();
    try {
      params = ParameterBinder.bind(runbook.parameters(), input.params());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "runbook " + runbook.name() + ": " + e.getMessage(), ErrorTypes.RUNBOOK_INVALID);
    }
    dispatcher = new StepDispatcher(input);
    if (input.cluster() != null) {
      Workflow.upsertTypedSearchAttributes(DrSearchAttributes.CLUSTER.valueSet(input.cluster()));
    }
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_RUNBOOK));
    Map<String, Object> memo = new LinkedHashMap<>();
    memo.put("runbook", runbook.name());
    memo.put("contentHash", String.valueOf(runbook.contentHash()));
    memo.put("mode", input.mode().label());
    Workflow.upsertMemo(memo);
    declare(runbook.steps());
    if (input.mode() == RunbookMode.PRACTICE) {
      requireDrillTarget(input.cluster());
    }
    state = RunbookRunStatus.RUNNING;
  }

  /** Practice runs break things for real, so only a cluster marked {@code drill: true} will do. */
  private void requireDrillTarget(String cluster) {
    if (cluster == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "a practice run needs a cluster marked 'drill: true'; pass --cluster",
          ErrorTypes.NOT_A_DRILL_CLUSTER);
    }
    ClusterSpec spec = topology.describeCluster(cluster);
    if (!spec.drill()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "cluster "
              + cluster
              + " is not marked 'drill: true' in lifeboat.yaml, so a practice run may not touch"
              + " it; use a drill cluster or --mode dry-run",
          ErrorTypes.NOT_A_DRILL_CLUSTER);
    }
  }

  private void declare(List<RunbookStep> steps) {
    for (RunbookStep step : steps) {
      states.put(step.id(), new StepState(step.id(), step));
      declare(step.parallel());
    }
  }

  private Flow runStep(RunbookStep step) {
    StepState st = states.get(step.id());
    if (abortRequested()) {
      return Flow.ABORT;
    }
    if (skippedOnRequest(step, st) || skippedByCondition(step, st)) {
      return Flow.NEXT;
    }
    Workflow.await(() -> !paused || abortRequested());
    if (abortRequested()) {
      return Flow.ABORT;
    }
    if (skippedOnRequest(step, st)) {
      return Flow.NEXT;
    }
    if (StepTypes.PARALLEL.equals(step.type())) {
      return runParallel(step, st);
    }
    Map<String, Object> with = ArgumentResolver.resolve(step.with(), params);
    st.start(now());
    while (true) {
      try {
        String output =
            cancellable(
                () -> {
                  if (step.approval() != null && request.mode() != RunbookMode.DRY_RUN) {
                    awaitApproval(step, st, with);
                  }
                  return attempts(step, st, with);
                });
        boolean approvalOnly = StepTypes.APPROVAL.equals(step.type()) && !st.approvedBy.isEmpty();
        st.succeed(
            now(),
            approvalOnly ? "approved by " + String.join(", ", st.approvedBy) : output,
            request.mode() == RunbookMode.DRY_RUN);
        if (!step.rollback().isEmpty() && request.mode() != RunbookMode.DRY_RUN) {
          undo.push(step);
        }
        return Flow.NEXT;
      } catch (CanceledFailure e) {
        st.cancel(now(), abortReason);
        return Flow.ABORT;
      } catch (StepFailure e) {
        st.fail(now(), e.getMessage());
        switch (step.onFailure()) {
          case CONTINUE:
            return Flow.NEXT;
          case ROLLBACK:
            endReason = "step " + step.id() + " failed: " + e.getMessage();
            return Flow.ROLLBACK;
          default:
            Decision decision = awaitDecision(step, st);
            if (decision == null) {
              return Flow.ABORT;
            }
            if (!decision.retry()) {
              st.skip(now(), "skipped by an operator after it failed: " + decision.reason());
              return Flow.NEXT;
            }
            st.start(now());
        }
      }
    }
  }

  private boolean skippedOnRequest(RunbookStep step, StepState st) {
    String reason = skipRequests.remove(step.id());
    if (reason == null) {
      return false;
    }
    st.skip(now(), "skipped by an operator: " + reason);
    return true;
  }

  private boolean skippedByCondition(RunbookStep step, StepState st) {
    if (step.when() == null || WhenCondition.parse(step.when()).holds(params, this::statusOf)) {
      return false;
    }
    st.skip(now(), "condition not met: " + step.when());
    return true;
  }

  /** A step's status for {@code when}; in a dry run a planned step counts as succeeded. */
  private String statusOf(String stepId) {
    StepState st = states.get(stepId);
    if (st == null) {
      return null;
    }
    return StepStatus.PLANNED.equals(st.status) ? StepStatus.SUCCEEDED : st.status;
  }

  private Flow runParallel(RunbookStep group, StepState st) {
    st.start(now());
    List<Promise<Flow>> branches = new ArrayList<>();
    for (RunbookStep branch : group.parallel()) {
      branches.add(Async.function(() -> runStep(branch)));
    }
    Promise.allOf(branches).get();
    List<Flow> flows = branches.stream().map(Promise::get).toList();
    List<String> failed =
        group.parallel().stream()
            .map(RunbookStep::id)
            .filter(id -> StepStatus.FAILED.equals(states.get(id).status))
            .toList();
    if (flows.contains(Flow.ABORT)) {
      st.cancel(now(), abortReason);
      return Flow.ABORT;
    }
    if (!failed.isEmpty()) {
      st.fail(now(), "failed in this group: " + failed);
    } else {
      st.succeed(
          now(), group.parallel().size() + " steps at once", request.mode() == RunbookMode.DRY_RUN);
    }
    if (flows.contains(Flow.ROLLBACK)) {
      return Flow.ROLLBACK;
    }
    return Flow.NEXT;
  }

  /** Tries the step up to its attempts, waiting the backoff (doubled each time) in between. */
  private String attempts(RunbookStep step, StepState st, Map<String, Object> with) {
    int max = step.retry() == null ? 1 : Math.max(1, step.retry().attempts());
    Duration backoff =
        RunbookDurations.parseOr(
            step.retry() == null ? null : step.retry().backoff(), Duration.ofSeconds(1));
    String last = null;
    int tried = 0;
    for (int i = 1; i <= max; i++) {
      st.attempts++;
      tried++;
      try {
        String output = dispatcher.attempt(step, with, st.attempts);
        String unmet =
            step.expect() == null || request.mode() == RunbookMode.DRY_RUN
                ? null
                : step.expect().check(output);
        if (unmet == null) {
          return output;
        }
        last = unmet + "; the output was: " + abbreviate(output);
      } catch (StepFailure e) {
        last = e.getMessage();
        if (e.hopeless()) {
          break;
        }
      }
      if (i < max) {
        Workflow.sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new StepFailure(tried > 1 ? last + " (after " + tried + " attempts)" : last);
  }

  private void awaitApproval(RunbookStep step, StepState st, Map<String, Object> with) {
    if (st.approved) {
      return;
    }
    ApprovalSpec spec = step.approval();
    int required = Math.max(1, spec.required());
    st.approvalHash = StepFingerprint.of(step.id(), step.type(), with);
    st.approvers.clear();
    st.approvers.addAll(spec.approvers());
    st.status = StepStatus.WAITING_APPROVAL;
    // What the approvers sign: the step as it will run, parameters filled in.
    st.output = "will run " + step.type() + " " + with;
    Duration timeout = RunbookDurations.parseOr(spec.timeout(), DEFAULT_APPROVAL_TIMEOUT);
    boolean approved = Workflow.await(timeout, () -> st.approvedBy.size() >= required);
    if (!approved && !spec.escalateTo().isEmpty()) {
      // Escalation widens who may approve; the first approvers may still approve too.
      log.warn(
          "step {} not approved within {}: escalating to {}",
          step.id(),
          timeout,
          spec.escalateTo());
      st.approvers.addAll(spec.escalateTo());
      st.output =
          "escalated to " + spec.escalateTo() + " after " + spec.timeout() + "; " + st.output;
      approved =
          Workflow.await(
              RunbookDurations.parseOr(spec.escalationTimeout(), timeout),
              () -> st.approvedBy.size() >= required);
    }
    if (!approved) {
      st.approvalHash = null;
      throw new StepFailure(
          "approval timed out: "
              + st.approvedBy.size()
              + " of "
              + required
              + " approvals"
              + (spec.escalateTo().isEmpty() ? "" : ", even after escalating"));
    }
    st.approved = true;
    st.status = StepStatus.RUNNING;
    st.output = "approved by " + st.approvedBy;
  }

  /** Waits for an operator to retry, skip or abort a failed step; null means abort. */
  private Decision awaitDecision(RunbookStep step, StepState st) {
    st.status = StepStatus.WAITING_DECISION;
    Duration timeout =
        RunbookDurations.parseOr(runbook.decisionTimeout(), DEFAULT_DECISION_TIMEOUT);
    boolean decided =
        Workflow.await(timeout, () -> decisions.containsKey(step.id()) || abortRequested());
    if (abortRequested()) {
      st.status = StepStatus.FAILED;
      return null;
    }
    if (!decided) {
      st.status = StepStatus.FAILED;
      abortWithRollback = false;
      abortReason =
          "step "
              + step.id()
              + " failed and no operator retried, skipped or aborted it within "
              + timeout;
      return null;
    }
    return decisions.remove(step.id());
  }

  private RunbookResult awaitConfirmation() {
    Duration window = RunbookDurations.parse(runbook.rollbackAfter());
    long deadline = Workflow.currentTimeMillis() + window.toMillis();
    confirmBy = Instant.ofEpochMilli(deadline).toString();
    state = RunbookRunStatus.AWAITING_CONFIRMATION;
    while (true) {
      if (!runbook.verify().isEmpty() && verificationPasses()) {
        return completed("verification passed");
      }
      if (abortRequested()) {
        return aborted();
      }
      if (confirmed) {
        return completed("confirmed by an operator");
      }
      long remaining = deadline - Workflow.currentTimeMillis();
      if (remaining <= 0) {
        rollback();
        return finish(
            RunbookResult.ROLLED_BACK,
            "neither confirmed nor verified within " + runbook.rollbackAfter() + "; rolled back");
      }
      Duration pause =
          runbook.verify().isEmpty()
              ? Duration.ofMillis(remaining)
              : Duration.ofMillis(Math.min(remaining, VERIFY_INTERVAL.toMillis()));
      Workflow.await(pause, () -> confirmed || abortRequested());
    }
  }

  private boolean verificationPasses() {
    for (RunbookStep step : runbook.verify()) {
      String id = "verify." + step.id();
      StepState st = states.computeIfAbsent(id, k -> new StepState(k, step));
      st.start(now());
      try {
        Map<String, Object> with = ArgumentResolver.resolve(step.with(), params);
        st.succeed(now(), cancellable(() -> attempts(step, st, with)), false);
      } catch (StepFailure e) {
        st.fail(now(), e.getMessage());
        return false;
      } catch (CanceledFailure e) {
        st.cancel(now(), abortReason);
        return false;
      }
    }
    return true;
  }

  /** Runs the rollback blocks of the completed steps, newest first, even while cancelled. */
  private void rollback() {
    rollingBack = true;
    state = RunbookRunStatus.ROLLING_BACK;
    Workflow.newDetachedCancellationScope(
            () -> {
              while (!undo.isEmpty()) {
                RunbookStep done = undo.pop();
                for (RunbookStep undoStep : done.rollback()) {
                  runRollbackStep(done, undoStep);
                }
              }
            })
        .run();
  }

  private void runRollbackStep(RunbookStep owner, RunbookStep step) {
    String id = owner.id() + ".rollback." + step.id();
    StepState st = states.computeIfAbsent(id, k -> new StepState(k, step));
    st.start(now());
    try {
      st.succeed(now(), attempts(step, st, ArgumentResolver.resolve(step.with(), params)), false);
    } catch (StepFailure e) {
      // A failed undo must not stop the others: each is recorded and the run ends rolled back.
      st.fail(now(), e.getMessage());
    }
  }

  private RunbookResult aborted() {
    String reason = abortReason == null ? "aborted" : abortReason;
    if (Boolean.TRUE.equals(abortWithRollback)) {
      rollback();
      return finish(RunbookResult.ABORTED, reason + "; completed steps rolled back");
    }
    return finish(RunbookResult.ABORTED, reason);
  }

  private RunbookResult completed(String reason) {
    boolean anyFailed = states.values().stream().anyMatch(s -> StepStatus.FAILED.equals(s.status));
    return finish(
        anyFailed ? RunbookResult.SUCCEEDED_WITH_FAILURES : RunbookResult.SUCCEEDED, reason);
  }

  private RunbookResult finish(String outcome, String reason) {
    if (dispatcher != null) {
      dispatcher.releaseClusterLock();
    }
    finished = true;
    state = outcome;
    Workflow.upsertTypedSearchAttributes(DrSearchAttributes.OUTCOME.valueSet(outcome));
    return new RunbookResult(runbook.name(), runbook.contentHash(), outcome, reason, statuses());
  }

  private boolean abortRequested() {
    return abortWithRollback != null && !rollingBack;
  }

  private <T> T cancellable(Functions.Func<T> body) {
    List<T> result = new ArrayList<>(1);
    CancellationScope scope = Workflow.newCancellationScope(() -> result.add(body.apply()));
    running.add(scope);
    try {
      scope.run();
    } finally {
      running.remove(scope);
    }
    return result.get(0);
  }

  private List<StepStatus> statuses() {
    return states.values().stream().map(StepState::toStatus).toList();
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  private static String abbreviate(String text) {
    String value = text == null ? "" : text.strip();
    return value.length() <= 200 ? value : value.substring(0, 200) + "...";
  }

  // ---- query and updates ----

  @Override
  public RunbookRunStatus status() {
    return new RunbookRunStatus(
        runbook == null ? null : runbook.name(),
        runbook == null ? null : runbook.contentHash(),
        request == null ? null : request.mode().label(),
        state,
        paused,
        params,
        statuses(),
        confirmBy);
  }

  @Override
  public void validateApprove(String step, String approver, String hash) {
    StepState st = existing(step);
    if (!StepStatus.WAITING_APPROVAL.equals(st.status)) {
      throw new IllegalStateException(
          "step " + step + " is " + st.status + ", not waiting-approval");
    }
    if (approver == null || approver.isBlank()) {
      throw new IllegalArgumentException("say who approves: --as NAME");
    }
    if (!st.approvers.isEmpty() && !st.approvers.contains(approver)) {
      throw new IllegalArgumentException(
          approver + " may not approve step " + step + "; approvers now: " + st.approvers);
    }
    if (st.approvedBy.contains(approver)) {
      throw new IllegalArgumentException(approver + " has already approved step " + step);
    }
    if (!st.approvalHash.equals(hash)) {
      throw new IllegalArgumentException(
          "hash "
              + hash
              + " is not the hash of step "
              + step
              + " as it will run ("
              + st.approvalHash
              + "); look at 'lifeboat runbook status' again");
    }
  }

  @Override
  public String approve(String step, String approver, String hash) {
    StepState st = states.get(step);
    st.approvedBy.add(approver);
    return approver + " approved step " + step;
  }

  @Override
  public void validatePause() {
    requireNotFinished();
    if (paused) {
      throw new IllegalStateException("the run is already paused");
    }
  }

  @Override
  public String pause() {
    paused = true;
    return "paused: the run stops before its next step";
  }

  @Override
  public void validateResume() {
    requireNotFinished();
    if (!paused) {
      throw new IllegalStateException("the run is not paused");
    }
  }

  @Override
  public String resume() {
    paused = false;
    return "resumed";
  }

  @Override
  public void validateRetry(String step) {
    StepState st = existing(step);
    if (!StepStatus.WAITING_DECISION.equals(st.status)) {
      throw new IllegalStateException(
          "step "
              + step
              + " is "
              + st.status
              + "; only a failed step waiting for a decision"
              + " can be retried");
    }
  }

  @Override
  public String retry(String step) {
    decisions.put(step, new Decision(true, null));
    return "retrying step " + step;
  }

  @Override
  public void validateSkip(String step, String reason) {
    StepState st = existing(step);
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("give a reason for skipping step " + step);
    }
    if (!StepStatus.WAITING_DECISION.equals(st.status) && !StepStatus.PENDING.equals(st.status)) {
      throw new IllegalStateException(
          "step "
              + step
              + " is "
              + st.status
              + "; only a pending step or a failed step waiting"
              + " for a decision can be skipped");
    }
  }

  @Override
  public String skip(String step, String reason) {
    StepState st = states.get(step);
    if (StepStatus.WAITING_DECISION.equals(st.status)) {
      decisions.put(step, new Decision(false, reason));
    } else {
      skipRequests.put(step, reason);
    }
    return "skipping step " + step;
  }

  @Override
  public void validateAbort(boolean rollback) {
    requireNotFinished();
    if (abortWithRollback != null) {
      throw new IllegalStateException("the run is already aborting");
    }
  }

  @Override
  public String abort(boolean rollback) {
    abortWithRollback = rollback;
    abortReason = "aborted by an operator";
    new ArrayList<>(running).forEach(CancellationScope::cancel);
    return rollback ? "aborting and rolling back" : "aborting without rollback";
  }

  @Override
  public void validateConfirm() {
    if (!RunbookRunStatus.AWAITING_CONFIRMATION.equals(state)) {
      throw new IllegalStateException(
          "the run is " + state + "; confirm applies only while it waits after its last step");
    }
  }

  @Override
  public String confirm() {
    confirmed = true;
    return "confirmed: the run will not roll back";
  }

  private StepState existing(String step) {
    requireNotFinished();
    StepState st = step == null ? null : states.get(step);
    if (st == null) {
      throw new IllegalArgumentException(
          "no step '" + step + "' in this run; steps: " + states.keySet());
    }
    return st;
  }

  private void requireNotFinished() {
    if (finished) {
      throw new IllegalStateException("the run has ended: " + state);
    }
    if (runbook == null) {
      throw new IllegalStateException("the run has not started yet; try again in a moment");
    }
  }
}
