package dev.lifeboat.workflows.archive;

import static dev.lifeboat.workflows.shared.Fixtures.SHOP;
import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.WalArchiverActivities;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.WalArchiveProgress;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalArchiveTask;
import dev.lifeboat.workflows.model.WalArchiverRequest;
import dev.lifeboat.workflows.model.WalDestinationHealth;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WalArchiverWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrRegion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(WalArchiverWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  /**
   * A stand-in for the pg_receivewal activity: each slice archives one more segment; with {@code
   * untilCancelled} it heartbeats until the workflow cancels it, as the real one does.
   */
  static final class FakeArchiver implements WalArchiverActivities {
    final List<WalArchiveTask> tasks = new CopyOnWriteArrayList<>();
    final List<String> droppedSlots = new CopyOnWriteArrayList<>();
    volatile boolean untilCancelled;

    @Override
    public WalArchiveProgress archive(WalArchiveTask task) {
      tasks.add(task);
      int n = tasks.size();
      String segment = String.format(Locale.ROOT, "%08X%08X%08X", 1, 0, 0x40 + n);
      WalArchiveProgress done =
          new WalArchiveProgress(
              task.source().name(),
              segment,
              String.format(Locale.ROOT, "0/%X000000", 0x41 + n),
              Instant.parse("2026-11-25T00:00:00Z").plusSeconds(n),
              Instant.parse("2026-11-25T00:00:01Z").plusSeconds(n),
              segment,
              1,
              String.format(Locale.ROOT, "0/%X000100", 0x41 + n),
              256,
              3.5,
              Instant.parse("2026-11-25T00:00:02Z").plusSeconds(n),
              List.of(
                  new WalDestinationHealth("s3", segment, null, null, null, 0),
                  new WalDestinationHealth("gcs", null, null, "gcs is down", null, 1)),
              "wal-test",
              null);
      if (untilCancelled) {
        try {
          for (int i = 0; i < 600; i++) {
            Activity.getExecutionContext().heartbeat(null);
            Thread.sleep(50);
          }
        } catch (ActivityCompletionException cancelled) {
          return done;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return done;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return done;
    }

    @Override
    public void dropSlot(NodeSpec source, String cluster, String slot) {
      droppedSlots.add(slot);
    }
  }

  private FakeArchiver wire(TestWorkflowEnvironment env, Worker worker) {
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster("shop")).thenReturn(SHOP);
    BackupActivities backups = mock(BackupActivities.class, withSettings().withoutAnnotations());
    when(backups.destinations()).thenReturn(List.of("s3", "gcs"));
    worker.registerActivitiesImplementations(topology, backups);
    PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    when(pg.probe(SYDNEY)).thenReturn(Fixtures.primary(SYDNEY, "0/5000000", "0/5000000", null));
    when(pg.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/5000000"));
    FakeArchiver archiver = new FakeArchiver();
    // Heartbeats reach the server at once, so a cancellation reaches the activity at once.
    env.newWorker(
            TaskQueues.forRegion("sydney"),
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofMillis(100))
                .setDefaultHeartbeatThrottleInterval(Duration.ofMillis(100))
                .build())
        .registerActivitiesImplementations(pg, archiver);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
    return archiver;
  }

  private static WalArchiverWorkflow start(
      TestWorkflowEnvironment env, Worker worker, WalArchiverRequest request) {
    WalArchiverWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                WalArchiverWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(WalArchiverRequest.workflowId("shop"))
                    .setTaskQueue(worker.getTaskQueue())
                    .build());
    WorkflowClient.start(workflow::archive, request);
    return workflow;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " within 20 s");
      }
      Thread.sleep(50);
    }
  }

  @Test
  void continuesAsNewAfterItsSlicesAndCarriesTheStatusAcross(
      TestWorkflowEnvironment env, Worker worker) throws Exception {
    FakeArchiver archiver = wire(env, worker);
    env.start();
    WalArchiverWorkflow workflow =
        start(env, worker, new WalArchiverRequest("shop", null, 60, 0, 2, 0, null));
    String firstRun = WorkflowStub.fromTyped(workflow).getExecution().getRunId();

    await(() -> archiver.tasks.size() >= 5, "five slices");
    WalArchiverWorkflow current =
        env.getWorkflowClient()
            .newWorkflowStub(WalArchiverWorkflow.class, WalArchiverRequest.workflowId("shop"));
    WalArchiveStatus status = current.stop(false);

    List<HistoryEvent> firstHistory =
        env.getWorkflowClient()
            .fetchHistory(WalArchiverRequest.workflowId("shop"), firstRun)
            .getEvents();
    assertThat(firstHistory.get(firstHistory.size() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(status.phase()).isEqualTo("stopped");
    assertThat(status.slices()).isEqualTo(archiver.tasks.size());
    assertThat(status.segmentsArchived()).isEqualTo(archiver.tasks.size());
    int n = archiver.tasks.size();
    assertThat(status.lastSegment())
        .isEqualTo(String.format(Locale.ROOT, "%08X%08X%08X", 1, 0, 0x40 + n));
    // Each slice resumes where the previous ones, in this run or the last, were complete.
    assertThat(archiver.tasks.get(2).completeThrough()).isEqualTo("000000010000000000000042");
    assertThat(archiver.tasks)
        .allSatisfy(
            t -> {
              assertThat(t.slot()).isEqualTo("lifeboat_archiver_shop");
              assertThat(t.source().name()).isEqualTo("sydney");
              assertThat(t.destinations()).containsExactly("s3", "gcs");
            });
    assertThat(archiver.droppedSlots).isEmpty();
  }

  @Test
  void stopEndsTheRunningSliceReturnsTheFinalStatusAndCanDropTheSlot(
      TestWorkflowEnvironment env, Worker worker) throws Exception {
    FakeArchiver archiver = wire(env, worker);
    archiver.untilCancelled = true;
    env.start();
    WalArchiverWorkflow workflow = start(env, worker, WalArchiverRequest.of("shop"));
    await(() -> archiver.tasks.size() == 1, "the first slice");

    WalArchiveStatus status = workflow.stop(true);

    assertThat(status.phase()).isEqualTo("stopped");
    assertThat(archiver.droppedSlots).containsExactly("lifeboat_archiver_shop");
    WorkflowStub.fromTyped(workflow).getResult(10, TimeUnit.SECONDS, Void.class);
    assertThat(archiver.tasks).hasSize(1);
  }

  @Test
  void statusReportsTheLagAndEveryDestinationsHealthFromProgress(
      TestWorkflowEnvironment env, Worker worker) throws Exception {
    FakeArchiver archiver = wire(env, worker);
    archiver.untilCancelled = true;
    env.start();
    WalArchiverWorkflow workflow = start(env, worker, WalArchiverRequest.of("shop"));
    await(() -> archiver.tasks.size() == 1, "the first slice");
    assertThat(workflow.status().phase()).isEqualTo("archiving");
    assertThat(workflow.status().lastSegment()).isNull();

    workflow.progress(
        new WalArchiveProgress(
            "sydney",
            "000000010000000000000050",
            "0/51000000",
            Instant.parse("2026-11-25T10:00:00Z"),
            Instant.parse("2026-11-25T10:00:01Z"),
            "00000001000000000000004F",
            3,
            "0/51000400",
            1024,
            12.5,
            Instant.parse("2026-11-25T10:00:05Z"),
            List.of(
                new WalDestinationHealth(
                    "s3",
                    "000000010000000000000050",
                    Instant.parse("2026-11-25T10:00:01Z"),
                    null,
                    null,
                    0),
                new WalDestinationHealth(
                    "gcs",
                    "00000001000000000000004F",
                    null,
                    "connection refused",
                    Instant.parse("2026-11-25T10:00:02Z"),
                    1)),
            "wal-x",
            null));
    // An older report arriving late changes nothing.
    workflow.progress(
        new WalArchiveProgress(
            "sydney",
            "00000001000000000000004E",
            "0/4F000000",
            null,
            null,
            null,
            1,
            "0/4F000000",
            0,
            0,
            Instant.parse("2026-11-25T09:00:00Z"),
            List.of(),
            "wal-x",
            null));

    WalArchiveStatus status = workflow.status();
    assertThat(status.lastSegment()).isEqualTo("000000010000000000000050");
    assertThat(status.lastLsn()).isEqualTo("0/51000000");
    assertThat(status.lagBytes()).isEqualTo(1024);
    assertThat(status.lagSeconds()).isEqualTo(12.5);
    assertThat(status.segmentsArchived()).isEqualTo(3);
    assertThat(status.destinations())
        .extracting(WalDestinationHealth::destination, WalDestinationHealth::healthy)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("s3", true),
            org.assertj.core.groups.Tuple.tuple("gcs", false));
    workflow.stop(false);
  }
}
