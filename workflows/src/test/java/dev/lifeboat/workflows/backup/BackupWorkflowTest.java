package dev.lifeboat.workflows.backup;

import static dev.lifeboat.workflows.shared.Fixtures.SHOP;
import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.BaseBackupTask;
import dev.lifeboat.workflows.model.CopyTask;
import dev.lifeboat.workflows.model.TakenBackup;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BackupWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrRegion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(BackupWorkflowImpl.class, BackfillCopiesWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private BackupActivities backups;

  /** Wires the topology (sydney primary), the probes and a backup activity mock. */
  private void wire(TestWorkflowEnvironment env, Worker worker, List<String> destinations) {
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster("shop")).thenReturn(SHOP);
    backups = mock(BackupActivities.class, withSettings().withoutAnnotations());
    when(backups.destinations()).thenReturn(destinations);
    worker.registerActivitiesImplementations(topology, backups);
    PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    when(pg.probe(SYDNEY)).thenReturn(Fixtures.primary(SYDNEY, "0/5000000", "0/5000000", null));
    when(pg.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/5000000"));
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg, backups);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg, backups);
  }

  private static TakenBackup landedIn(String destination) {
    return new TakenBackup(
        new BackupCopy(destination, "url://" + destination, true, 1000, 1, null),
        "15.18",
        1,
        "0/5000028",
        "0/5000100",
        6000);
  }

  private static BackupCopy copiedTo(String destination) {
    return new BackupCopy(destination, "url://" + destination, true, 1000, 1, null);
  }

  @Test
  void readsThePrimaryOnceAndCopiesToEveryOtherDestination(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3", "gcs", "nas"));
    when(backups.takeFull(any())).thenReturn(landedIn("s3"));
    when(backups.copy(any())).thenAnswer(call -> copiedTo(call.<CopyTask>getArgument(0).to()));
    env.start();

    BackupResult result = workflow.backup(BackupRequest.full("shop"));

    assertThat(result.sourceNode()).isEqualTo("sydney");
    assertThat(result.backupId()).endsWith("-full");
    assertThat(result.copies())
        .extracting(BackupCopy::destination)
        .containsExactly("s3", "gcs", "nas");
    assertThat(result.completeCopies()).isEqualTo(3);
    assertThat(result.startLsn()).isEqualTo("0/5000028");
    verify(backups).copy(new CopyTask("shop", result.backupId(), "s3", "gcs"));
    verify(backups).copy(new CopyTask("shop", result.backupId(), "s3", "nas"));
    assertThat(
            WorkflowStub.fromTyped(workflow)
                .describe()
                .getTypedSearchAttributes()
                .get(DrSearchAttributes.OUTCOME))
        .isEqualTo("complete");
  }

  @Test
  void aDestinationThatIsDownDoesNotStopTheBackupWhenTheQuorumHolds(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3", "gcs", "nas"));
    when(backups.takeFull(any()))
        .thenAnswer(
            call -> {
              BaseBackupTask task = call.getArgument(0);
              if (task.destination().equals("s3")) {
                throw ApplicationFailure.newFailure("s3 is down", "BackupFailed");
              }
              return landedIn(task.destination());
            });
    when(backups.copy(any()))
        .thenAnswer(
            call -> {
              CopyTask task = call.getArgument(0);
              if (task.to().equals("s3")) {
                throw ApplicationFailure.newFailure("s3 is down", "CopyFailed");
              }
              return copiedTo(task.to());
            });
    env.start();

    BackupResult result = workflow.backup(new BackupRequest("shop", "full", null, List.of(), 2));

    assertThat(result.completeCopies()).isEqualTo(2);
    assertThat(result.copies())
        .filteredOn(c -> c.destination().equals("s3"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.complete()).isFalse();
              assertThat(c.error()).contains("s3 is down");
            });
    assertThat(
            WorkflowStub.fromTyped(workflow)
                .describe()
                .getTypedSearchAttributes()
                .get(DrSearchAttributes.OUTCOME))
        .isEqualTo("partial");
    // The missing copy is handed to a child that outlives the backup and keeps trying.
    WorkflowStub backfill =
        env.getWorkflowClient().newUntypedWorkflowStub("backfill-shop-" + result.backupId());
    assertThat(backfill.describe().getWorkflowType()).isEqualTo(BackfillCopiesWorkflow.TYPE);
  }

  @Test
  void failsWhenFewerCopiesThanTheQuorumAreSealed(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3", "gcs"));
    when(backups.takeFull(any())).thenReturn(landedIn("s3"));
    when(backups.copy(any())).thenThrow(ApplicationFailure.newFailure("gcs is down", "CopyFailed"));
    env.start();

    assertThatThrownBy(() -> workflow.backup(BackupRequest.full("shop")))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ErrorTypes.QUORUM_NOT_MET);
              assertThat(f.getOriginalMessage())
                  .contains("1 sealed copies, fewer than the quorum of 2");
            });
  }

  @Test
  void rejectsAnUnknownDestinationBeforeReadingAnything(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3", "gcs"));
    env.start();

    assertThatThrownBy(
            () -> workflow.backup(new BackupRequest("shop", "full", null, List.of("glacier"), 0)))
        .rootCause()
        .hasMessageContaining(
            "destination 'glacier' is not configured on the worker; configured: [s3, gcs]");
    verify(backups, never()).takeFull(any());
  }

  @Test
  void anUnknownBackupTypeIsRefusedClearly(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3"));
    env.start();

    assertThatThrownBy(
            () -> workflow.backup(new BackupRequest("shop", "differential", null, List.of(), 0)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(ErrorTypes.UNSUPPORTED_BACKUP_TYPE));
  }

  @Test
  void readsTheNamedStandbyWithoutProbing(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3"));
    when(backups.takeFull(any())).thenReturn(landedIn("s3"));
    env.start();

    BackupResult result = workflow.backup(new BackupRequest("shop", "full", "tokyo", List.of(), 0));

    assertThat(result.sourceNode()).isEqualTo("tokyo");
    verify(backups).takeFull(new BaseBackupTask("shop", result.backupId(), TOKYO, "s3"));
  }

  @Test
  void anIncrementalBuildsOnTheNewestBackupAndReportsItsShareOfTheFull(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3", "nas"));
    when(backups.list("shop", "s3"))
        .thenReturn(
            List.of(
                summary("20261124T000000Z-full"),
                summary("20261125T000000Z-full"),
                summary("20261125T010000Z-incr")));
    when(backups.takeIncremental(any()))
        .thenReturn(
            new TakenBackup(
                copiedTo("s3"), "15.18", 1, "0/6000028", "0/6000100", 6000, "files", 0.08));
    when(backups.copy(any())).thenAnswer(call -> copiedTo(call.<CopyTask>getArgument(0).to()));
    env.start();

    BackupResult result = workflow.backup(BackupRequest.incremental("shop", null));

    assertThat(result.backupId()).endsWith("-incr");
    assertThat(result.type()).isEqualTo("incremental");
    assertThat(result.parentId()).isEqualTo("20261125T010000Z-incr");
    assertThat(result.shareOfFull()).isEqualTo(0.08);
    verify(backups)
        .takeIncremental(
            new BaseBackupTask(
                "shop", result.backupId(), SYDNEY, "s3", "files", "20261125T010000Z-incr"));
    verify(backups, never()).takeFull(any());
    verify(backups).copy(new CopyTask("shop", result.backupId(), "s3", "nas"));
  }

  @Test
  void anIncrementalWithoutAnyBackupToBuildOnAsksForAFullFirst(
      TestWorkflowEnvironment env, Worker worker, BackupWorkflow workflow) {
    wire(env, worker, List.of("s3"));
    when(backups.list("shop", "s3")).thenReturn(List.of());
    env.start();

    assertThatThrownBy(() -> workflow.backup(BackupRequest.incremental("shop", null)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ErrorTypes.PARENT_NOT_USABLE);
              assertThat(f.getOriginalMessage()).contains("take a full backup first");
            });
    verify(backups, never()).takeIncremental(any());
  }

  private static BackupSummary summary(String id) {
    return new BackupSummary(id, "FULL", null, "0/1", 1, 1, "s3");
  }
}
