package dev.lifeboat.workflows.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.WalPruneSummary;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetentionWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(RetentionWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private BackupActivities backups;

  private static BackupSummary copy(String id, Instant finished, String destination) {
    return new BackupSummary(id, "FULL", finished, "0/1", 100, 10, destination);
  }

  private void wire(TestWorkflowEnvironment env, Worker worker, Instant now) {
    backups = mock(BackupActivities.class, withSettings().withoutAnnotations());
    when(backups.destinations()).thenReturn(List.of("s3", "nas"));
    Instant old = now.minus(Duration.ofDays(40));
    Instant older = now.minus(Duration.ofDays(50));
    when(backups.list("shop", "s3"))
        .thenReturn(
            List.of(
                copy("b-old", older, "s3"),
                copy("b-mid", old, "s3"),
                copy("b-new", now.minus(Duration.ofDays(1)), "s3")));
    when(backups.list("shop", "nas")).thenReturn(List.of(copy("b-old", older, "nas")));
    when(backups.pruneWal(anyString(), anyString(), anyString(), anyBoolean()))
        .thenAnswer(
            call ->
                new WalPruneSummary(
                    call.getArgument(1), call.getArgument(2), 3, 3000, List.of("wal-old")));
    worker.registerActivitiesImplementations(backups);
    env.start();
  }

  @Test
  void plansWithoutDeletingAndKeepsRecentBackups(
      TestWorkflowEnvironment env, Worker worker, RetentionWorkflow workflow) {
    wire(env, worker, Instant.ofEpochMilli(env.currentTimeMillis()));

    RetentionPlan plan = workflow.run(new RetentionRequest("shop", 30, false));

    assertThat(plan.expire())
        .extracting(b -> b.backupId() + "@" + b.destination())
        .containsExactlyInAnyOrder("b-old@s3", "b-mid@s3", "b-old@nas");
    assertThat(plan.keep()).extracting(BackupSummary::backupId).containsExactly("b-new");
    assertThat(plan.applied()).isFalse();
    verify(backups, never()).delete(anyString(), anyString(), anyString());
    // The WAL before the oldest kept backup's stop is counted in every destination, not removed.
    verify(backups).pruneWal("shop", "s3", "0/1", false);
    verify(backups).pruneWal("shop", "nas", "0/1", false);
    assertThat(plan.wal()).extracting(WalPruneSummary::segmentsExpired).containsExactly(3, 3);
  }

  @Test
  void neverExpiresTheNewestBackupEvenWhenItIsOld(
      TestWorkflowEnvironment env, Worker worker, RetentionWorkflow workflow) {
    wire(env, worker, Instant.ofEpochMilli(env.currentTimeMillis()));

    RetentionPlan plan = workflow.run(new RetentionRequest("shop", 1, true));

    assertThat(plan.keep()).extracting(BackupSummary::backupId).containsExactly("b-new");
    assertThat(plan.expire()).hasSize(3);
  }

  @Test
  void appliesEveryDeletionAndReportsTheOnesThatFail(
      TestWorkflowEnvironment env, Worker worker, RetentionWorkflow workflow) {
    wire(env, worker, Instant.ofEpochMilli(env.currentTimeMillis()));
    doThrow(ApplicationFailure.newNonRetryableFailure("nas is read-only", "DeleteFailed"))
        .when(backups)
        .delete("shop", "b-old", "nas");

    RetentionPlan plan = workflow.run(new RetentionRequest("shop", 30, true));

    verify(backups).delete("shop", "b-old", "s3");
    verify(backups).delete("shop", "b-mid", "s3");
    verify(backups, never()).delete("shop", "b-new", "s3");
    assertThat(plan.applied()).isTrue();
    assertThat(plan.problems())
        .singleElement()
        .satisfies(p -> assertThat(p).contains("b-old in nas").contains("nas is read-only"));
  }
}
