package dev.lifeboat.workflows.restore;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.TableRestoreRequest;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TableRestoreWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(TableRestoreWorkflowImpl.class, RestoreWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  @Test
  void aReplaceWithoutTheTablesConfirmedIsRefusedBeforeAnythingRuns(
      TestWorkflowEnvironment env, Worker worker, TableRestoreWorkflow workflow) {
    RestoreActivities restores = mock(RestoreActivities.class, withSettings().withoutAnnotations());
    worker.registerActivitiesImplementations(restores);
    env.start();

    assertThatThrownBy(
            () ->
                workflow.restoreTables(
                    new TableRestoreRequest(
                        "shop",
                        List.of("public.alerts", "public.searches"),
                        null,
                        "b1",
                        null,
                        null,
                        55497,
                        true,
                        List.of("public.alerts"))))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              org.assertj.core.api.Assertions.assertThat(f.getType())
                  .isEqualTo(ErrorTypes.INVALID_REQUEST);
              org.assertj.core.api.Assertions.assertThat(f.getOriginalMessage())
                  .contains("--confirm public.alerts,public.searches")
                  .contains("nothing was changed");
            });
    verify(restores, never()).plan(any());
  }
}
