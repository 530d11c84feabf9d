package dev.lifeboat.workflows.restore;

import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RandomTestRestoreRequest;
import dev.lifeboat.workflows.model.RecoveryOutcome;
import dev.lifeboat.workflows.model.RestorePlan;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreStep;
import dev.lifeboat.workflows.model.RestoreTask;
import dev.lifeboat.workflows.model.ValidationOutcome;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mockito.ArgumentCaptor;

class RandomTestRestoreWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(RandomTestRestoreWorkflowImpl.class, RestoreWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private static final Instant T0 = Instant.parse("2026-11-20T00:00:00Z");

  private static final List<BackupSummary> THREE =
      List.of(
          backup("b1", T0),
          backup("b2", T0.plusSeconds(86_400)),
          backup("b3", T0.plusSeconds(2 * 86_400)));

  private static BackupSummary backup(String id, Instant stop) {
    return new BackupSummary(id, "FULL", stop, "0/1000000", 10, 5, "nas", null, null, null);
  }

  @Test
  void anOlderBackupIsRestoredToATimeBeforeTheNextOneEnds() {
    Instant archiveEnd = T0.plusSeconds(3 * 86_400);
    for (long seed = 0; seed < 500; seed++) {
      RandomTestRestoreWorkflowImpl.Choice choice =
          RandomTestRestoreWorkflowImpl.choose(THREE, archiveEnd, new Random(seed));
      assertThat(choice.backupId()).isIn("b1", "b2");
      BackupSummary chosen = THREE.get(choice.backupId().equals("b1") ? 0 : 1);
      Instant next = THREE.get(choice.backupId().equals("b1") ? 1 : 2).stopTime();
      assertThat(choice.targetTime()).isAfter(chosen.stopTime()).isBefore(next);
      assertThat(choice.targetTime().getNano()).isZero();
    }
  }

  @Test
  void bothOlderBackupsAreChosenSometimes() {
    Instant archiveEnd = T0.plusSeconds(3 * 86_400);
    java.util.Set<String> chosen = new java.util.HashSet<>();
    Random random = new Random(42);
    for (int i = 0; i < 100; i++) {
      chosen.add(RandomTestRestoreWorkflowImpl.choose(THREE, archiveEnd, random).backupId());
    }
    assertThat(chosen).containsExactlyInAnyOrder("b1", "b2");
  }

  @Test
  void theArchivesEndBoundsTheTimeAndWithoutAnArchiveTheBackupsEndIsUsed() {
    Instant archiveEnd = T0.plusSeconds(60);
    for (long seed = 0; seed < 200; seed++) {
      RandomTestRestoreWorkflowImpl.Choice choice =
          RandomTestRestoreWorkflowImpl.choose(
              List.of(THREE.get(0), THREE.get(1)), archiveEnd, new Random(seed));
      assertThat(choice.backupId()).isEqualTo("b1");
      assertThat(choice.targetTime()).isAfter(T0).isBeforeOrEqualTo(archiveEnd);
    }
    RandomTestRestoreWorkflowImpl.Choice noArchive =
        RandomTestRestoreWorkflowImpl.choose(THREE, null, new Random(7));
    assertThat(noArchive.backupId()).isIn("b1", "b2");
    assertThat(noArchive.targetTime()).as("no archived WAL to replay past its end").isNull();
    RandomTestRestoreWorkflowImpl.Choice only =
        RandomTestRestoreWorkflowImpl.choose(List.of(THREE.get(0)), null, new Random(7));
    assertThat(only).isEqualTo(new RandomTestRestoreWorkflowImpl.Choice("b1", null));
  }

  @Test
  void theChoiceRunsAsAScratchRestoreOfThatBackupToThatTime(
      TestWorkflowEnvironment env, Worker worker, RandomTestRestoreWorkflow workflow) {
    RestoreActivities restores = mock(RestoreActivities.class, withSettings().withoutAnnotations());
    BackupActivities backups = mock(BackupActivities.class, withSettings().withoutAnnotations());
    RestorePlan newest =
        new RestorePlan(
            "shop",
            "b3",
            List.of("b3"),
            "nas",
            "0/1000000",
            THREE.get(2).stopTime().toString(),
            T0.plusSeconds(3 * 86_400).toString(),
            SYDNEY);
    when(restores.plan(any())).thenReturn(newest);
    when(backups.list("shop", "nas")).thenReturn(List.of(THREE.get(2), THREE.get(0), THREE.get(1)));
    when(restores.layOut(any())).thenReturn(new RestoreStep(1, 1000, 3, "laid out"));
    when(restores.stageWal(any())).thenReturn(new RestoreStep(1, 0, 2, "2 segments"));
    when(restores.recover(any())).thenReturn(new RecoveryOutcome(2, "0/2000000", null, true));
    when(restores.validate(any()))
        .thenReturn(new ValidationOutcome(1, Map.of("public.users", 10L), 4, List.of()));
    worker.registerActivitiesImplementations(restores, backups);
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(restores);
    env.start();

    RestoreReport report =
        workflow.restore(
            new RandomTestRestoreRequest("shop", null, "/var/tmp/lifeboat-random-test", 55496));

    assertThat(report.proven()).isTrue();
    ArgumentCaptor<RestoreTask> laidOut = ArgumentCaptor.forClass(RestoreTask.class);
    verify(restores).layOut(laidOut.capture());
    var request = laidOut.getValue().request();
    assertThat(request.backupId()).isIn("b1", "b2");
    assertThat(request.scratch()).isTrue();
    assertThat(request.untilConsistent()).isFalse();
    assertThat(Instant.parse(request.targetTime())).isAfter(T0).isBefore(THREE.get(2).stopTime());
    assertThat(request.directory()).isEqualTo("/var/tmp/lifeboat-random-test");
    verify(restores).tearDown(any());
    verify(restores).recordProof(any());
    verify(backups).list(eq("shop"), eq("nas"));
  }
}
