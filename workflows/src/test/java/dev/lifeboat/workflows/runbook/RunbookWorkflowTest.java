package dev.lifeboat.workflows.runbook;

import static dev.lifeboat.workflows.runbook.Steps.command;
import static dev.lifeboat.workflows.runbook.Steps.runbook;
import static dev.lifeboat.workflows.runbook.Steps.step;
import static dev.lifeboat.workflows.runbook.Steps.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterLockWorkflow;
import dev.lifeboat.workflows.failover.ClusterLockWorkflowImpl;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The interpreter on Temporal's time-skipping test server: retries, timeouts, onFailure policies,
 * parallel groups, conditions, approvals with escalation, every operator Update, timed rollback,
 * nested runbooks and the three modes.
 */
class RunbookWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrRegion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setDoNotStart(true)
          .build();

  private final ScriptedSteps steps = new ScriptedSteps();

  static final TrafficEndpoint PGBOUNCER =
      new TrafficEndpoint(
          "pgbouncer",
          "pgbouncer",
          null,
          "127.0.0.1",
          56432,
          "lifeboat",
          "pgbouncer-admin",
          "shop",
          "/tmp/pgbouncer.ini",
          null,
          null,
          null,
          null,
          null);

  private RunbookWorkflow start(TestWorkflowEnvironment env, RunbookRequest request) {
    Worker worker = env.newWorker(TaskQueues.ORCHESTRATION);
    worker.registerWorkflowImplementationTypes(
        RunbookWorkflowImpl.class, ClusterLockWorkflowImpl.class);
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    ClusterSpec shop = Fixtures.SHOP;
    when(topology.describeCluster("shop"))
        .thenReturn(
            new ClusterSpec(
                shop.name(),
                shop.strategy(),
                shop.nodes(),
                true,
                null,
                null,
                null,
                List.of(PGBOUNCER)));
    when(topology.describeCluster("prod"))
        .thenReturn(new ClusterSpec("prod", "active-passive", shop.nodes()));
    worker.registerActivitiesImplementations(steps, topology);
    env.start();
    RunbookWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                RunbookWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("runbook-" + request.runbook().name() + "-test")
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  private static RunbookRequest live(Runbook runbook) {
    return new RunbookRequest(runbook, Map.of(), RunbookMode.LIVE, "shop", Map.of(), "test");
  }

  private static RunbookResult result(RunbookWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getResult(RunbookResult.class);
  }

  /** Waits (without moving test time) until the run's status satisfies the condition. */
  private static RunbookRunStatus awaitStatus(
      RunbookWorkflow workflow, Predicate<RunbookRunStatus> condition) throws Exception {
    for (int i = 0; i < 500; i++) {
      RunbookRunStatus status = workflow.status();
      if (condition.test(status)) {
        return status;
      }
      Thread.sleep(20);
    }
    fail("the run never reached the expected state; last status: " + workflow.status());
    return null;
  }

  private static Predicate<RunbookRunStatus> stepIs(String id, String status) {
    return s -> s.steps().stream().anyMatch(st -> st.id().equals(id) && st.status().equals(status));
  }

  /** Starts a holder of shop's failover lock, as a running failover would hold its id. */
  private static void holdShopsFailoverLock(TestWorkflowEnvironment env, String holder) {
    WorkflowClient.start(
        env.getWorkflowClient()
                .newWorkflowStub(
                    ClusterLockWorkflow.class,
                    WorkflowOptions.newBuilder()
                        .setWorkflowId(FailoverWorkflow.workflowId("shop"))
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .build())
            ::hold,
        holder);
  }

  private static RunbookStep stopWritesOnSydneyUndoneByAllowWrites() {
    return step("stop-writes")
        .type(StepTypes.POSTGRES)
        .with(Map.of("action", "set-read-only", "target", "sydney", "readOnly", true))
        .rollback(
            step("allow-writes")
                .type(StepTypes.POSTGRES)
                .with(Map.of("action", "set-read-only", "target", "sydney", "readOnly", false))
                .build())
        .build();
  }

  private static RunbookStep promoteTokyo() {
    return promoteTokyoStep().build();
  }

  private static Steps promoteTokyoStep() {
    return step("promote")
        .type(StepTypes.POSTGRES)
        .with(Map.of("action", "promote", "target", "tokyo"));
  }

  private static StepStatus stepOf(RunbookResult result, String id) {
    return result.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void runsStepsInOrderAndRecordsStatusTimesHashAndSearchAttributes(TestWorkflowEnvironment env) {
    RunbookWorkflow workflow =
        start(env, live(runbook("simple", List.of(command("one"), command("two")))));

    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(steps.executed()).containsExactly("one", "two");
    assertThat(stepOf(result, "one").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(stepOf(result, "one").startedAt()).isNotNull();
    assertThat(stepOf(result, "one").endedAt()).isNotNull();
    assertThat(stepOf(result, "one").attempts()).isEqualTo(1);
    assertThat(stepOf(result, "two").output()).startsWith("two done");
    var description = WorkflowStub.fromTyped(workflow).describe();
    SearchAttributes attributes = description.getTypedSearchAttributes();
    assertThat(attributes.get(DrSearchAttributes.CLUSTER)).isEqualTo("shop");
    assertThat(attributes.get(DrSearchAttributes.KIND)).isEqualTo("runbook");
    assertThat(attributes.get(DrSearchAttributes.OUTCOME)).isEqualTo("succeeded");
    assertThat(description.getMemo("contentHash", String.class)).isEqualTo("hash-simple");
  }

  @Test
  void retriesWithBackoffAndCountsAttempts(TestWorkflowEnvironment env) {
    steps.then("flaky", "fail:connection refused", "fail:connection refused", "out:fine");
    Runbook runbook = runbook("retries", List.of(step("flaky").retry(3, "2s").build()));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "flaky").attempts()).isEqualTo(3);
    assertThat(stepOf(result, "flaky").output()).isEqualTo("fine");
  }

  @Test
  void anUnmetExpectationIsAFailureAndContinueGoesOn(TestWorkflowEnvironment env) {
    steps.then("ping", "out:LOADING", "out:LOADING");
    Runbook runbook =
        runbook(
            "expect",
            List.of(
                step("ping")
                    .retry(2, "1s")
                    .expectContains("PONG")
                    .onFailure(OnFailure.CONTINUE)
                    .build(),
                command("after")));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED_WITH_FAILURES);
    assertThat(stepOf(result, "ping").status()).isEqualTo(StepStatus.FAILED);
    assertThat(stepOf(result, "ping").error())
        .contains("expected the output to contain 'PONG'")
        .contains("LOADING")
        .contains("after 2 attempts");
    assertThat(steps.executed()).containsExactly("ping", "ping", "after");
  }

  @Test
  void aStepThatRunsPastItsTimeoutFails(TestWorkflowEnvironment env) {
    steps.then("slow", "sleep:3000");
    Runbook runbook =
        runbook(
            "timeout", List.of(step("slow").timeout("1s").onFailure(OnFailure.CONTINUE).build()));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(stepOf(result, "slow").status()).isEqualTo(StepStatus.FAILED);
    assertThat(stepOf(result, "slow").error()).isEqualTo("timed out after 1s");
  }

  @Test
  void aHopelessFailureIsNotRetried(TestWorkflowEnvironment env) {
    steps.then("bad", "invalid:no such node 'osaka'");
    Runbook runbook =
        runbook(
            "hopeless", List.of(step("bad").retry(5, "1s").onFailure(OnFailure.CONTINUE).build()));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(stepOf(result, "bad").attempts()).isEqualTo(1);
    assertThat(stepOf(result, "bad").error()).contains("no such node 'osaka'");
  }

  @Test
  void onFailureRollbackUndoesCompletedStepsNewestFirst(TestWorkflowEnvironment env) {
    steps.then("three", "fail:promotion refused");
    Runbook runbook =
        runbook(
            "rollback",
            List.of(
                step("one").rollback(command("undo-one")).build(),
                step("two").rollback(command("undo-two-a"), command("undo-two-b")).build(),
                step("three").onFailure(OnFailure.ROLLBACK).build(),
                command("never")));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.ROLLED_BACK);
    assertThat(result.reason()).contains("step three failed: promotion refused");
    assertThat(steps.executed())
        .containsExactly("one", "two", "three", "undo-two-a", "undo-two-b", "undo-one");
    assertThat(stepOf(result, "two.rollback.undo-two-a").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(stepOf(result, "never").status()).isEqualTo(StepStatus.PENDING);
  }

  @Test
  void onFailureAbortWaitsForAnOperatorWhoRetries(TestWorkflowEnvironment env) throws Exception {
    steps.then("promote", "fail:replica not ready");
    RunbookWorkflow workflow =
        start(env, live(runbook("decide", List.of(command("promote"), command("after")))));

    RunbookRunStatus waiting =
        awaitStatus(workflow, stepIs("promote", StepStatus.WAITING_DECISION));
    assertThat(waiting.steps().get(0).error()).isEqualTo("replica not ready");
    assertThatThrownBy(() -> workflow.retry("after")).isInstanceOf(WorkflowUpdateException.class);
    assertThat(workflow.retry("promote")).isEqualTo("retrying step promote");
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "promote").attempts()).isEqualTo(2);
    assertThat(steps.executed()).containsExactly("promote", "promote", "after");
  }

  @Test
  void onFailureAbortWaitsForAnOperatorWhoSkips(TestWorkflowEnvironment env) throws Exception {
    steps.then("scale", "fail:no quota");
    RunbookWorkflow workflow =
        start(env, live(runbook("skip-failed", List.of(command("scale"), command("after")))));

    awaitStatus(workflow, stepIs("scale", StepStatus.WAITING_DECISION));
    assertThatThrownBy(() -> workflow.skip("scale", " "))
        .isInstanceOf(WorkflowUpdateException.class);
    workflow.skip("scale", "capacity is fine, carry on");
    RunbookResult result = result(workflow);

    assertThat(stepOf(result, "scale").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(stepOf(result, "scale").error()).contains("capacity is fine, carry on");
    assertThat(steps.executed()).containsExactly("scale", "after");
  }

  @Test
  void onFailureAbortAbortsWhenNobodyDecidesInTime(TestWorkflowEnvironment env) {
    steps.then("promote", "fail:replica not ready");
    Runbook runbook =
        new Runbook(
            "no-decision",
            null,
            null,
            null,
            List.of(),
            List.of(step("promote").rollback(command("undo")).build(), command("after")),
            List.of(),
            null,
            "10m",
            "f.yaml",
            "h");
    steps.then("promote", "fail:still not ready");

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.ABORTED);
    assertThat(result.reason()).contains("no operator retried, skipped or aborted it within PT10M");
    assertThat(steps.executed()).containsExactly("promote");
  }

  @Test
  void pauseStopsBeforeTheNextStepAndResumeGoesOn(TestWorkflowEnvironment env) throws Exception {
    RunbookWorkflow workflow =
        start(
            env,
            live(
                runbook(
                    "pause",
                    List.of(
                        step("gate")
                            .type(StepTypes.APPROVAL)
                            .with(Map.of())
                            .approval(new ApprovalSpec(List.of("alice"), 1, "1h", List.of(), null))
                            .build(),
                        command("next")))));

    RunbookRunStatus waiting = awaitStatus(workflow, stepIs("gate", StepStatus.WAITING_APPROVAL));
    workflow.pause();
    assertThatThrownBy(workflow::pause).isInstanceOf(WorkflowUpdateException.class);
    workflow.approve("gate", "alice", waiting.steps().get(0).approvalHash());
    RunbookRunStatus paused = awaitStatus(workflow, stepIs("gate", StepStatus.SUCCEEDED));
    assertThat(paused.paused()).isTrue();
    assertThat(paused.steps().get(1).status()).isEqualTo(StepStatus.PENDING);
    assertThat(steps.executed()).isEmpty();

    workflow.resume();
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "gate").output()).isEqualTo("approved by alice");
    assertThat(steps.executed()).containsExactly("next");
  }

  @Test
  void skipOfAPendingStepSkipsItWhenItsTurnComes(TestWorkflowEnvironment env) throws Exception {
    RunbookWorkflow workflow =
        start(
            env,
            live(
                runbook(
                    "skip-pending",
                    List.of(waitFor("hold", "5m"), command("optional"), command("last")))));

    awaitStatus(workflow, stepIs("hold", StepStatus.RUNNING));
    workflow.skip("optional", "not needed tonight");
    RunbookResult result = result(workflow);

    assertThat(stepOf(result, "optional").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(stepOf(result, "optional").error())
        .isEqualTo("skipped by an operator: not needed tonight");
    assertThat(steps.executed()).containsExactly("last");
  }

  @Test
  void abortWithRollbackCancelsTheRunningStepAndUndoesTheCompletedOnes(TestWorkflowEnvironment env)
      throws Exception {
    RunbookWorkflow workflow =
        start(
            env,
            live(
                runbook(
                    "abort",
                    List.of(
                        step("fence").rollback(command("unfence")).build(),
                        waitFor("long-wait", "1h"),
                        command("never")))));

    awaitStatus(workflow, stepIs("long-wait", StepStatus.RUNNING));
    assertThat(workflow.abort(true)).isEqualTo("aborting and rolling back");
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.ABORTED);
    assertThat(result.reason()).isEqualTo("aborted by an operator; completed steps rolled back");
    assertThat(stepOf(result, "long-wait").status()).isEqualTo(StepStatus.CANCELLED);
    assertThat(steps.executed()).containsExactly("fence", "unfence");
  }

  @Test
  void abortWithoutRollbackLeavesCompletedStepsAlone(TestWorkflowEnvironment env) throws Exception {
    RunbookWorkflow workflow =
        start(
            env,
            live(
                runbook(
                    "abort-plain",
                    List.of(
                        step("fence").rollback(command("unfence")).build(),
                        waitFor("long-wait", "1h")))));

    awaitStatus(workflow, stepIs("long-wait", StepStatus.RUNNING));
    workflow.abort(false);
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.ABORTED);
    assertThat(steps.executed()).containsExactly("fence");
  }

  @Test
  void approvalNeedsTheRightPeopleAndTheHashOfTheResolvedStep(TestWorkflowEnvironment env)
      throws Exception {
    Runbook runbook =
        new Runbook(
            "approve",
            null,
            null,
            null,
            List.of(
                new RunbookParameter(
                    "node", ParameterType.STRING, null, "tokyo", null, null, null, null)),
            List.of(
                step("promote")
                    .with(Map.of("argv", List.of("promote", "${node}")))
                    .approval(new ApprovalSpec(List.of("alice", "bob"), 2, "15m", List.of(), null))
                    .build()),
            List.of(),
            null,
            null,
            "f.yaml",
            "h");
    RunbookWorkflow workflow = start(env, live(runbook));

    RunbookRunStatus waiting =
        awaitStatus(workflow, stepIs("promote", StepStatus.WAITING_APPROVAL));
    String hash = waiting.steps().get(0).approvalHash();
    assertThat(waiting.steps().get(0).output())
        .isEqualTo("will run command {argv=[promote, tokyo]}");
    assertThat(hash)
        .isEqualTo(
            StepFingerprint.of("promote", "command", Map.of("argv", List.of("promote", "tokyo"))));
    assertThatThrownBy(() -> workflow.approve("promote", "mallory", hash))
        .isInstanceOf(WorkflowUpdateException.class);
    assertThatThrownBy(() -> workflow.approve("promote", "alice", "0".repeat(64)))
        .isInstanceOf(WorkflowUpdateException.class);
    workflow.approve("promote", "alice", hash);
    assertThatThrownBy(() -> workflow.approve("promote", "alice", hash))
        .isInstanceOf(WorkflowUpdateException.class);
    assertThat(steps.executed()).isEmpty();
    workflow.approve("promote", "bob", hash);
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "promote").approvedBy()).containsExactly("alice", "bob");
    assertThat(steps.executed()).containsExactly("promote");
  }

  @Test
  void anUnansweredApprovalEscalatesAndTheEscalationMayApprove(TestWorkflowEnvironment env)
      throws Exception {
    Runbook runbook =
        runbook(
            "escalate",
            List.of(
                step("gate")
                    .type(StepTypes.APPROVAL)
                    .with(Map.of())
                    .approval(new ApprovalSpec(List.of("oncall"), 1, "10m", List.of("lead"), "30m"))
                    .build(),
                command("after")));
    RunbookWorkflow workflow = start(env, live(runbook));

    RunbookRunStatus waiting = awaitStatus(workflow, stepIs("gate", StepStatus.WAITING_APPROVAL));
    String hash = waiting.steps().get(0).approvalHash();
    assertThatThrownBy(() -> workflow.approve("gate", "lead", hash))
        .isInstanceOf(WorkflowUpdateException.class);
    env.sleep(Duration.ofMinutes(11));
    RunbookRunStatus escalated =
        awaitStatus(workflow, s -> s.steps().get(0).output().startsWith("escalated"));
    assertThat(escalated.steps().get(0).output())
        .isEqualTo("escalated to [lead] after 10m; will run approval {}");
    workflow.approve("gate", "lead", hash);
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "gate").approvedBy()).containsExactly("lead");
  }

  @Test
  void anApprovalNobodyGivesFailsTheStep(TestWorkflowEnvironment env) {
    Runbook runbook =
        runbook(
            "no-approval",
            List.of(
                step("gate")
                    .type(StepTypes.APPROVAL)
                    .with(Map.of())
                    .onFailure(OnFailure.CONTINUE)
                    .approval(new ApprovalSpec(List.of("oncall"), 1, "10m", List.of("lead"), "5m"))
                    .build(),
                command("after")));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(stepOf(result, "gate").status()).isEqualTo(StepStatus.FAILED);
    assertThat(stepOf(result, "gate").error())
        .isEqualTo("approval timed out: 0 of 1 approvals, even after escalating");
    assertThat(steps.executed()).containsExactly("after");
  }

  @Test
  void timedRollbackFiresWhenNobodyConfirms(TestWorkflowEnvironment env) {
    Runbook runbook =
        new Runbook(
            "timed",
            null,
            null,
            null,
            List.of(),
            List.of(step("promote").rollback(command("demote")).build()),
            List.of(),
            "10m",
            null,
            "f.yaml",
            "h");

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.ROLLED_BACK);
    assertThat(result.reason()).isEqualTo("neither confirmed nor verified within 10m; rolled back");
    assertThat(steps.executed()).containsExactly("promote", "demote");
  }

  @Test
  void confirmCancelsTheTimedRollback(TestWorkflowEnvironment env) throws Exception {
    Runbook runbook =
        new Runbook(
            "confirmed",
            null,
            null,
            null,
            List.of(),
            List.of(step("promote").rollback(command("demote")).build()),
            List.of(),
            "10m",
            null,
            "f.yaml",
            "h");
    RunbookWorkflow workflow = start(env, live(runbook));

    assertThatThrownBy(workflow::confirm).isInstanceOf(WorkflowUpdateException.class);
    RunbookRunStatus waiting =
        awaitStatus(workflow, s -> RunbookRunStatus.AWAITING_CONFIRMATION.equals(s.state()));
    assertThat(waiting.confirmBy()).isNotNull();
    workflow.confirm();
    RunbookResult result = result(workflow);

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(result.reason()).isEqualTo("confirmed by an operator");
    assertThat(steps.executed()).containsExactly("promote");
  }

  @Test
  void passingVerificationConfirmsByItself(TestWorkflowEnvironment env) {
    steps.then("writable", "out:writable=f", "out:writable=t");
    Runbook runbook =
        new Runbook(
            "verified",
            null,
            null,
            null,
            List.of(),
            List.of(step("promote").rollback(command("demote")).build()),
            List.of(step("writable").expectContains("writable=t").build()),
            "10m",
            null,
            "f.yaml",
            "h");

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(result.reason()).isEqualTo("verification passed");
    assertThat(steps.executed()).containsExactly("promote", "writable", "writable");
    assertThat(stepOf(result, "verify.writable").attempts()).isEqualTo(2);
  }

  @Test
  void parallelGroupsRunEveryBranchAndReportFailuresOfAny(TestWorkflowEnvironment env) {
    steps.then("b", "fail:b broke");
    Runbook runbook =
        runbook(
            "parallel",
            List.of(
                step("group")
                    .parallel(
                        command("a"),
                        step("b").onFailure(OnFailure.CONTINUE).build(),
                        waitFor("c", "1m"))
                    .build(),
                command("after")));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(stepOf(result, "group").status()).isEqualTo(StepStatus.FAILED);
    assertThat(stepOf(result, "group").error()).isEqualTo("failed in this group: [b]");
    assertThat(stepOf(result, "a").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(stepOf(result, "c").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(steps.executed()).containsExactlyInAnyOrder("a", "b", "after");
    assertThat(steps.executed().get(2)).isEqualTo("after");
  }

  @Test
  void whenConditionsSkipStepsOnParametersAndEarlierStatuses(TestWorkflowEnvironment env) {
    steps.then("probe", "fail:down");
    Runbook runbook =
        new Runbook(
            "conditions",
            null,
            null,
            null,
            List.of(
                new RunbookParameter(
                    "kubeContext", ParameterType.STRING, null, "none", null, null, null, null)),
            List.of(
                step("kubectl").when("${kubeContext} != none").build(),
                step("probe").onFailure(OnFailure.CONTINUE).build(),
                step("repair").when("steps.probe.status == failed").build(),
                step("celebrate").when("steps.probe.status").build()),
            List.of(),
            null,
            null,
            "f.yaml",
            "h");

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(stepOf(result, "kubectl").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(stepOf(result, "kubectl").error())
        .isEqualTo("condition not met: ${kubeContext} != none");
    assertThat(steps.executed()).containsExactly("probe", "repair");
  }

  @Test
  void aNestedRunbookRunsAsAChildWorkflow(TestWorkflowEnvironment env) {
    Runbook child =
        new Runbook(
            "child",
            null,
            null,
            null,
            List.of(
                new RunbookParameter(
                    "target", ParameterType.STRING, null, null, null, null, null, null)),
            List.of(step("inner").with(Map.of("argv", List.of("echo", "${target}"))).build()),
            List.of(),
            null,
            null,
            "child.yaml",
            "hc");
    Runbook parent =
        runbook(
            "parent",
            List.of(
                command("before"),
                step("call")
                    .type(StepTypes.RUNBOOK)
                    .with(Map.of("runbook", "child", "params", Map.of("target", "tokyo")))
                    .build(),
                command("after")));

    RunbookResult result =
        result(
            start(
                env,
                new RunbookRequest(
                    parent, Map.of(), RunbookMode.LIVE, "shop", Map.of("child", child), "t")));

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "call").output()).isEqualTo("runbook child succeeded (1 steps)");
    assertThat(steps.executed()).containsExactly("before", "inner", "after");
    RunbookResult childResult =
        env.getWorkflowClient()
            .newUntypedWorkflowStub("runbook-parent-test.call.1")
            .getResult(RunbookResult.class);
    assertThat(stepOf(childResult, "inner").output()).contains("tokyo");
  }

  @Test
  void aFailingNestedRunbookFailsTheCallingStep(TestWorkflowEnvironment env) {
    steps.then("inner", "invalid:boom");
    Runbook child =
        new Runbook(
            "child",
            null,
            null,
            null,
            List.of(),
            List.of(step("inner").onFailure(OnFailure.ROLLBACK).build()),
            List.of(),
            null,
            null,
            "c",
            "hc");
    Runbook parent =
        runbook(
            "parent-fails",
            List.of(
                step("call")
                    .type(StepTypes.RUNBOOK)
                    .with(Map.of("runbook", "child"))
                    .onFailure(OnFailure.CONTINUE)
                    .build()));

    RunbookResult result =
        result(
            start(
                env,
                new RunbookRequest(
                    parent, Map.of(), RunbookMode.LIVE, "shop", Map.of("child", child), "t")));

    assertThat(stepOf(result, "call").status()).isEqualTo(StepStatus.FAILED);
    assertThat(stepOf(result, "call").error())
        .isEqualTo(
            "runbook child ended rolled-back: step inner failed: boom; completed steps rolled back");
  }

  @Test
  void aDryRunOnlyPlansAndChangesNothing(TestWorkflowEnvironment env) {
    Runbook runbook =
        new Runbook(
            "dry",
            null,
            null,
            null,
            List.of(),
            List.of(
                step("fence").rollback(command("unfence")).build(),
                waitFor("settle", "10m"),
                step("gate")
                    .type(StepTypes.APPROVAL)
                    .with(Map.of())
                    .approval(new ApprovalSpec(List.of("alice"), 1, "10m", List.of(), null))
                    .build()),
            List.of(),
            "10m",
            null,
            "f.yaml",
            "h");

    RunbookResult result =
        result(
            start(
                env,
                new RunbookRequest(runbook, Map.of(), RunbookMode.DRY_RUN, "shop", Map.of(), "t")));

    assertThat(result.outcome()).isEqualTo(RunbookResult.PLANNED);
    assertThat(steps.calls).containsExactly("plan:fence");
    assertThat(stepOf(result, "fence").status()).isEqualTo(StepStatus.PLANNED);
    assertThat(stepOf(result, "fence").output()).startsWith("would run fence");
    assertThat(stepOf(result, "settle").output()).isEqualTo("would wait 10m");
    assertThat(stepOf(result, "gate").output()).isEqualTo("would wait for approval");
  }

  @Test
  void practiceRunsOnlyAgainstADrillCluster(TestWorkflowEnvironment env) {
    Runbook runbook = runbook("practice", List.of(command("one")));

    RunbookWorkflow workflow =
        start(
            env,
            new RunbookRequest(runbook, Map.of(), RunbookMode.PRACTICE, "prod", Map.of(), "t"));

    assertThatThrownBy(() -> result(workflow))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("cluster prod is not marked 'drill: true'")
        .satisfies(
            e ->
                assertThat(((ApplicationFailure) e).getType())
                    .isEqualTo(ErrorTypes.NOT_A_DRILL_CLUSTER));
    assertThat(steps.executed()).isEmpty();
  }

  @Test
  void practiceAgainstADrillClusterRunsForReal(TestWorkflowEnvironment env) {
    Runbook runbook = runbook("practice-ok", List.of(command("one")));

    RunbookResult result =
        result(
            start(
                env,
                new RunbookRequest(
                    runbook, Map.of(), RunbookMode.PRACTICE, "shop", Map.of(), "t")));

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(steps.executed()).containsExactly("one");
  }

  @Test
  void badParametersFailTheRunBeforeAnyStep(TestWorkflowEnvironment env) {
    Runbook runbook =
        new Runbook(
            "params",
            null,
            null,
            null,
            List.of(
                new RunbookParameter(
                    "host", ParameterType.STRING, null, null, null, null, null, null)),
            List.of(command("one")),
            List.of(),
            null,
            null,
            "f.yaml",
            "h");

    RunbookWorkflow workflow =
        start(
            env,
            new RunbookRequest(
                runbook, Map.of("host", "db1; rm -rf /"), RunbookMode.LIVE, "shop", Map.of(), "t"));

    assertThatThrownBy(() -> result(workflow))
        .rootCause()
        .hasMessageContaining("'db1; rm -rf /' does not match the safe default");
    assertThat(steps.executed()).isEmpty();
  }

  @Test
  void postgresAndTrafficStepsUseTheFailoverActivitiesOnTheNodesQueues(TestWorkflowEnvironment env)
      throws InterruptedException {
    PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    when(pg.fenceWrites(Fixtures.SYDNEY))
        .thenReturn(
            new FenceReport("writes on sydney", true, "default_transaction_read_only = on"));
    when(pg.promote(Fixtures.TOKYO))
        .thenReturn(new PromotionResult("tokyo", "0/5000100", 2, 140, false));
    TrafficActivities traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
    when(traffic.redirect(PGBOUNCER, Fixtures.TOKYO, Fixtures.SHOP.nodes()))
        .thenReturn(new FenceReport("pgbouncer", true, "-> 127.0.0.1:55433, resumed"));
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
    Runbook runbook =
        runbook(
            "failover",
            List.of(
                stopWritesOnSydneyUndoneByAllowWrites(),
                promoteTokyo(),
                step("redirect")
                    .type(StepTypes.TRAFFIC)
                    .with(Map.of("action", "retarget", "endpoint", "pgbouncer", "target", "tokyo"))
                    .build(),
                step("top")
                    .type(StepTypes.POSTGRES)
                    .with(Map.of("action", "top-statements", "target", "primary", "limit", 5))
                    .build()));
    Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
    orchestration.registerActivitiesImplementations(traffic);

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(stepOf(result, "stop-writes").output())
        .isEqualTo("writes on sydney: default_transaction_read_only = on");
    assertThat(stepOf(result, "promote").output())
        .isEqualTo("tokyo promoted: timeline 2, lsn 0/5000100, 140 ms");
    assertThat(stepOf(result, "redirect").output())
        .isEqualTo("pgbouncer: -> 127.0.0.1:55433, resumed");
    assertThat(steps.executed()).containsExactly("top");
    // The run held shop's failover lock while it changed the cluster and let it go when it ended:
    // the next failover can start (the lock's own run closes a moment after the runbook's).
    for (int tries = 1; ; tries++) {
      try {
        holdShopsFailoverLock(env, "the next failover");
        break;
      } catch (io.temporal.client.WorkflowExecutionAlreadyStarted stillHeld) {
        assertThat(tries).as("the runbook released the lock").isLessThan(100);
        Thread.sleep(50);
      }
    }
  }

  @Test
  void aStepThatChangesTheClusterIsNotRunWhileAFailoverOfItRunsAndTheLockEndsWithTheRun(
      TestWorkflowEnvironment env) {
    PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
    // A failover of shop runs: here a lock holder under its workflow id.
    holdShopsFailoverLock(env, "a failover");
    Runbook runbook =
        runbook("promote", List.of(promoteTokyoStep().onFailure(OnFailure.CONTINUE).build()));
    RunbookWorkflow blocked = start(env, live(runbook));

    RunbookResult result = result(blocked);

    assertThat(stepOf(result, "promote").error())
        .contains("a failover of shop runs (workflow failover-shop)")
        .contains("it was not run");
    verify(pg, never()).promote(any());
  }

  @Test
  void aRollbackAfterAPromotionNeverLetsTheFencedOldPrimaryTakeWritesAgain(
      TestWorkflowEnvironment env) {
    PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    when(pg.fenceWrites(Fixtures.SYDNEY))
        .thenReturn(new FenceReport("writes on sydney", true, "stopped"));
    when(pg.promote(Fixtures.TOKYO))
        .thenReturn(new PromotionResult("tokyo", "0/5000100", 2, 140, false));
    TrafficActivities traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
    when(traffic.redirect(PGBOUNCER, Fixtures.TOKYO, Fixtures.SHOP.nodes()))
        .thenThrow(new IllegalStateException("pgbouncer does not answer"));
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
    env.newWorker(TaskQueues.ORCHESTRATION).registerActivitiesImplementations(traffic);
    Runbook runbook =
        runbook(
            "failover",
            List.of(
                stopWritesOnSydneyUndoneByAllowWrites(),
                promoteTokyo(),
                step("redirect")
                    .type(StepTypes.TRAFFIC)
                    .onFailure(OnFailure.ROLLBACK)
                    .with(Map.of("action", "retarget", "endpoint", "pgbouncer", "target", "tokyo"))
                    .build()));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(result.outcome()).isEqualTo(RunbookResult.ROLLED_BACK);
    assertThat(stepOf(result, "stop-writes.rollback.allow-writes").error())
        .contains("tokyo was promoted in this run")
        .contains("would make two primaries");
    verify(pg, never()).unfenceWrites(any());
  }

  @Test
  void aPostgresStepNamingAnUnknownNodeFailsAtOnce(TestWorkflowEnvironment env) {
    Runbook runbook =
        runbook(
            "unknown-node",
            List.of(
                step("promote")
                    .type(StepTypes.POSTGRES)
                    .retry(5, "1s")
                    .onFailure(OnFailure.CONTINUE)
                    .with(Map.of("action", "promote", "target", "osaka"))
                    .build()));

    RunbookResult result = result(start(env, live(runbook)));

    assertThat(stepOf(result, "promote").attempts()).isEqualTo(1);
    assertThat(stepOf(result, "promote").error())
        .isEqualTo("'osaka' is not a node of cluster shop; nodes: [sydney, tokyo]");
  }

  @Test
  void aDryRunOfPostgresAndTrafficStepsOnlyDescribesThem(TestWorkflowEnvironment env) {
    PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    TrafficActivities traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
    Runbook runbook =
        runbook(
            "failover-plan",
            List.of(
                step("stop-writes")
                    .type(StepTypes.POSTGRES)
                    .with(Map.of("action", "set-read-only", "target", "sydney", "readOnly", true))
                    .build(),
                step("promote")
                    .type(StepTypes.POSTGRES)
                    .with(Map.of("action", "promote", "target", "tokyo"))
                    .build(),
                step("redirect")
                    .type(StepTypes.TRAFFIC)
                    .with(Map.of("action", "retarget", "endpoint", "pgbouncer", "target", "tokyo"))
                    .build()));
    Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
    orchestration.registerActivitiesImplementations(traffic);

    RunbookResult result =
        result(
            start(
                env,
                new RunbookRequest(runbook, Map.of(), RunbookMode.DRY_RUN, "shop", Map.of(), "t")));

    assertThat(result.outcome()).isEqualTo(RunbookResult.PLANNED);
    assertThat(stepOf(result, "stop-writes").output())
        .isEqualTo(
            "would fence writes on sydney: default_transaction_read_only = on, client sessions"
                + " terminated");
    assertThat(stepOf(result, "promote").output())
        .isEqualTo("would promote tokyo with pg_promote() and prove it takes writes");
    assertThat(stepOf(result, "redirect").output())
        .isEqualTo("would send clients of pgbouncer to tokyo");
    org.mockito.Mockito.verifyNoInteractions(pg, traffic);
  }
}
