package dev.lifeboat.workflows.restore;

import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.RecoveryOutcome;
import dev.lifeboat.workflows.model.RestorePlan;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.RestoreStep;
import dev.lifeboat.workflows.model.ValidationOutcome;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RestoreWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(RestoreWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private static final RestorePlan PLAN =
      new RestorePlan(
          "shop",
          "b2",
          List.of("b1", "b2"),
          "nas",
          "0/5000100",
          "2026-11-25T00:00:00Z",
          null,
          SYDNEY);

  private RestoreActivities restores;

  private void wire(TestWorkflowEnvironment env, Worker worker) {
    restores = mock(RestoreActivities.class, withSettings().withoutAnnotations());
    when(restores.plan(any())).thenReturn(PLAN);
    when(restores.layOut(any())).thenReturn(new RestoreStep(1, 1000, 3, "laid out"));
    when(restores.stageWal(any())).thenReturn(new RestoreStep(1, 0, 0, "none"));
    worker.registerActivitiesImplementations(restores);
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(restores);
    env.start();
  }

  private static RestoreRequest request(boolean keepOnFailure) {
    return new RestoreRequest(
        "shop", null, null, null, true, null, "/var/tmp/r", 55499, null, null, keepOnFailure);
  }

  @Test
  void aProvenRestoreReportsEveryPhaseOnTheSourcesRegion(
      TestWorkflowEnvironment env, Worker worker, RestoreWorkflow workflow) {
    wire(env, worker);
    when(restores.recover(any())).thenReturn(new RecoveryOutcome(2, "0/5000100", null, true));
    when(restores.validate(any()))
        .thenReturn(new ValidationOutcome(1, Map.of("public.users", 10L), 4, List.of()));

    RestoreReport report = workflow.restore(request(false));

    assertThat(report.proven()).isTrue();
    assertThat(report.plan().chain()).containsExactly("b1", "b2");
    assertThat(report.layout().bytes()).isEqualTo(1000);
    verify(restores, never()).tearDown(any());
  }

  @Test
  void aFailedRecoveryIsTornDownAndSaysSo(
      TestWorkflowEnvironment env, Worker worker, RestoreWorkflow workflow) {
    wire(env, worker);
    when(restores.recover(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "the restored server stopped", ErrorTypes.RESTORE_FAILED));

    assertThatThrownBy(() -> workflow.restore(request(false)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ErrorTypes.RESTORE_FAILED);
              assertThat(f.getOriginalMessage())
                  .contains("the restored server stopped")
                  .contains("cleaned up");
            });
    verify(restores).tearDown(any());
  }

  @Test
  void keepOnFailureLeavesTheDirectoryForInspection(
      TestWorkflowEnvironment env, Worker worker, RestoreWorkflow workflow) {
    wire(env, worker);
    when(restores.recover(any()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("stopped", ErrorTypes.RESTORE_FAILED));

    assertThatThrownBy(() -> workflow.restore(request(true)))
        .rootCause()
        .hasMessageContaining("kept for inspection");
    verify(restores, never()).tearDown(any());
  }

  @Test
  void aTargetAndUntilConsistentTogetherAreRefused(
      TestWorkflowEnvironment env, Worker worker, RestoreWorkflow workflow) {
    wire(env, worker);

    assertThatThrownBy(
            () ->
                workflow.restore(
                    new RestoreRequest(
                        "shop",
                        null,
                        "2026-11-25T00:00:00Z",
                        null,
                        true,
                        null,
                        "/var/tmp/r",
                        55499,
                        null,
                        null,
                        false)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(ErrorTypes.INVALID_REQUEST));
    verify(restores, never()).layOut(any());
  }
}
