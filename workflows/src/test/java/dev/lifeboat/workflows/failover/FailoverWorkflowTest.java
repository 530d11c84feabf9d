package dev.lifeboat.workflows.failover;

import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverPolicy;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.HealthSettings;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FailoverWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrRegion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(FailoverWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private static final TrafficEndpoint BOUNCER = Fixtures.BOUNCER;

  /** Asynchronous, nothing may be lost without approval; escalate after 5 min, give up at 1 h. */
  private static final ClusterSpec ASYNC =
      new ClusterSpec(
          "shop",
          "active-passive",
          List.of(SYDNEY, TOKYO),
          true,
          ClusterSpec.ASYNCHRONOUS,
          HealthSettings.defaults(),
          new FailoverPolicy(true, 0, 0, 1 << 30, 300, 3600),
          List.of(BOUNCER));

  private PostgresActivities postgres;
  private TrafficActivities traffic;

  private void wire(TestWorkflowEnvironment env, Worker worker, ClusterSpec spec, NodeProbe tokyo) {
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster("shop")).thenReturn(spec);
    postgres = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    when(postgres.probe(SYDNEY)).thenReturn(NodeProbe.unreachable(SYDNEY, 1, "refused"));
    when(postgres.probe(TOKYO)).thenReturn(tokyo);
    when(postgres.promote(TOKYO))
        .thenReturn(new PromotionResult("tokyo", "0/4000000", 2, 80, false));
    traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
    when(traffic.hold(any(), any()))
        .thenReturn(new FenceReport("pgbouncer bouncer", true, "paused"));
    when(traffic.redirect(any(), any(), anyList()))
        .thenReturn(new FenceReport("pgbouncer bouncer", true, "redirected"));
    worker.registerActivitiesImplementations(topology);
    env.newWorker(TaskQueues.ORCHESTRATION).registerActivitiesImplementations(traffic);
    PostgresActivities sydneyQueue = Fixtures.workerThatMayBeGone(postgres, () -> sydneyWorkerGone);
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(sydneyQueue);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(postgres);
    env.start();
  }

  /** Every activity on sydney's queue fails, as if its worker were gone. */
  private boolean sydneyWorkerGone;

  /** Sydney was seen at 0/3000100; tokyo received only 0/3000000: 256 bytes would be lost. */
  private static FailoverRequest sydneyLost() {
    return new FailoverRequest(
        "shop",
        FailoverRequest.FAILOVER,
        null,
        "sydney down",
        "monitor",
        "sydney",
        "0/3000100",
        1_000,
        4_000,
        null);
  }

  private static NodeProbe tokyoAt(String lsn) {
    return Fixtures.standby(TOKYO, lsn);
  }

  @Test
  void aLossWithinTheBudgetPromotesAtOnceAndRedirects(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000100"));

    FailoverResult result = workflow.failover(sydneyLost());

    assertThat(result.newPrimary()).isEqualTo("tokyo");
    assertThat(result.estimatedLossBytes()).isZero();
    assertThat(result.detectionMillis()).isEqualTo(3_000);
    assertThat(result.fencing()).extracting(FenceReport::layer).contains("pgbouncer bouncer");
    verify(traffic).redirect(eq(BOUNCER), eq(TOKYO), anyList());
  }

  @Test
  void aLossOverTheBudgetWaitsForAnApprovalThatCoversIt(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000000"));
    WorkflowClient.start(workflow::failover, sydneyLost());
    awaitStep(env, workflow, "awaiting-approval");
    verify(postgres, never()).promote(any());

    assertThatThrownBy(() -> workflow.decide(new FailoverApproval("ana", true, 10, "ok")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause()
        .hasMessageContaining("an approval must accept at least that (it accepted 10)");
    workflow.decide(new FailoverApproval("ana", true, 256, "the shop must be up"));

    FailoverResult result = WorkflowStub.fromTyped(workflow).getResult(FailoverResult.class);
    assertThat(result.approvedBy()).isEqualTo("ana");
    assertThat(result.estimatedLossBytes()).isEqualTo(256);
    verify(postgres).promote(TOKYO);
  }

  @Test
  void aRejectionUndoesTheFencingAndNeverPromotes(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000000"));
    WorkflowClient.start(workflow::failover, sydneyLost());
    awaitStep(env, workflow, "awaiting-approval");

    workflow.decide(new FailoverApproval("ana", false, 0, "sydney is rebooting"));

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(FailoverResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOf(ApplicationFailure.class)
        .hasMessageContaining("rejected by ana: sydney is rebooting");
    verify(postgres, never()).promote(any());
    // The compensation points the endpoint back at the old primary.
    verify(traffic).redirect(eq(BOUNCER), eq(SYDNEY), anyList());
  }

  @Test
  void nobodyApprovingEscalatesThenGivesUp(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000000"));
    WorkflowClient.start(workflow::failover, sydneyLost());

    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(FailoverResult.class))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining(
            "nobody approved the failover within PT1H: the promotion would lose up to 256 bytes");
    verify(postgres, never()).promote(any());
  }

  @Test
  void aTargetThatIsNotAHealthyStandbyIsRefused(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, NodeProbe.unreachable(TOKYO, 1, "refused"));

    assertThatThrownBy(
            () ->
                workflow.failover(
                    new FailoverRequest(
                        "shop", "failover", "tokyo", "drill", "ana", "sydney", null, 0, 0, null)))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .hasMessageContaining("tokyo in tokyo is not a healthy standby (unreachable: refused)")
        .extracting(e -> ((ApplicationFailure) e).getType())
        .isEqualTo(ErrorTypes.BAD_FAILOVER_TARGET);
  }

  @Test
  void aLivePrimaryWhoseRegionsWorkerIsGoneIsNotProvenFencedAndWaitsForAnApproval(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000100"));
    when(postgres.probe(SYDNEY)).thenReturn(Fixtures.lonelyPrimary(SYDNEY, "0/3000100"));
    sydneyWorkerGone = true;
    WorkflowClient.start(
        workflow::failover,
        FailoverRequest.manual("shop", FailoverRequest.FAILOVER, "tokyo", "drill", "ana"));
    awaitStep(env, workflow, "awaiting-approval");

    assertThat(workflow.progress().approvalNeededBecause())
        .contains("the fence of the old primary did not hold")
        .contains("sydney was neither stopped")
        .contains("tokyo: reached");
    verify(postgres, never()).promote(any());
    workflow.decide(new FailoverApproval("ana", false, 0, "sydney is fine"));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(workflow).getResult(FailoverResult.class))
        .rootCause()
        .hasMessageContaining("rejected by ana");
    verify(postgres, never()).promote(any());
  }

  @Test
  void aPrimaryThatIsAlreadyGoneIsFoundWithoutBeingNamed(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000100"));

    FailoverResult result =
        workflow.failover(
            FailoverRequest.manual("shop", FailoverRequest.FAILOVER, null, "sydney lost", "ana"));

    assertThat(result.oldPrimary()).isEqualTo("sydney");
    assertThat(result.newPrimary()).isEqualTo("tokyo");
    // Both vantage points saw it unreachable: the fence held without an approval.
    assertThat(result.approvedBy()).isNull();
  }

  @Test
  void aRequestToReplaceANodeNeverFencesAnotherThatAnswersAsThePrimary(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, Fixtures.lonelyPrimary(TOKYO, "0/3000100"));
    when(postgres.probe(SYDNEY)).thenReturn(Fixtures.standby(SYDNEY, "0/3000100"));

    // A monitor whose view is out of date asks to replace sydney; tokyo is the live primary.
    assertThatThrownBy(() -> workflow.failover(sydneyLost()))
        .rootCause()
        .hasMessageContaining("the request replaces sydney, but tokyo answers as the primary");
    verify(postgres, never()).fenceWrites(any());
    verify(postgres, never()).stopAndDemote(any());
    verify(traffic, never()).hold(any(), any());
  }

  @Test
  void aNamedOldPrimaryThatAnswersAsAStandbyIsRefused(
      TestWorkflowEnvironment env, Worker worker, FailoverWorkflow workflow) {
    wire(env, worker, ASYNC, tokyoAt("0/3000100"));

    assertThatThrownBy(
            () ->
                workflow.failover(
                    FailoverRequest.manual(
                        "shop", FailoverRequest.FAILOVER, null, "tokyo", "oops", "ana")))
        .rootCause()
        .hasMessageContaining("tokyo answers as a standby, so it is not the old primary of shop");
    verify(postgres, never()).promote(any());
  }

  private static void awaitStep(
      TestWorkflowEnvironment env, FailoverWorkflow workflow, String step) {
    for (int i = 0; i < 200; i++) {
      if (step.equals(workflow.progress().step())) {
        return;
      }
      env.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("never reached " + step + "; at " + workflow.progress().step());
  }
}
