package dev.lifeboat.starter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowStub;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleDescription;
import io.temporal.client.schedules.ScheduleHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Backup schedules on the real Temporal server of the local stack (the test server has none). */
class BackupSchedulesIT {

  private static LifeboatConfig config(String cluster, String strategy) {
    String port = System.getenv().getOrDefault("TEMPORAL_PORT", "7233");
    return new ConfigLoader(Map.of("BACKUP_STRATEGY", strategy))
        .parse(
            Path.of("it.yaml"),
            "temporal: {address: 127.0.0.1:"
                + port
                + "}\nclusters:\n  "
                + cluster
                + ":\n    nodes: [{name: a, region: r, host: 127.0.0.1, port: 1}]\nbackup:\n  destinations: [{name: nas, url: file:///tmp/it}]\n");
  }

  @Test
  void applyingTwiceKeepsOneScheduleThatStartsBackupWorkflows() throws Exception {
    String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    LifeboatConfig config = config(cluster, "weekly");
    try (LifeboatClient client = LifeboatClient.connect(config.temporal())) {
      BackupSchedules schedules = client.schedules();
      List<BackupSchedules.Plan> plans = BackupSchedules.plan(config);
      String id = "backup-" + cluster + "-weekly";
      ScheduleHandle handle = null;
      try {
        assertThat(schedules.apply(plans))
            .singleElement()
            .satisfies(a -> assertThat(a.created()).isTrue());
        assertThat(schedules.apply(plans))
            .singleElement()
            .satisfies(a -> assertThat(a.created()).isFalse());

        handle =
            io.temporal.client.schedules.ScheduleClient.newInstance(
                    client.temporal().getWorkflowServiceStubs(),
                    io.temporal.client.schedules.ScheduleClientOptions.newBuilder().build())
                .getHandle(id);
        ScheduleDescription description = handle.describe();
        // The server stores the cron as calendars; its next run shows what it means.
        java.time.ZonedDateTime next =
            description.getInfo().getNextActionTimes().get(0).atZone(java.time.ZoneOffset.UTC);
        assertThat(next.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.SUNDAY);
        assertThat(next.toLocalTime()).isEqualTo(java.time.LocalTime.MIDNIGHT);
        assertThat(description.getSchedule().getPolicy().getOverlap())
            .isEqualTo(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP);
        assertThat(description.getSchedule().getPolicy().getCatchupWindow())
            .isEqualTo(BackupSchedules.CATCH_UP_WINDOW);

        handle.trigger();
        String started = null;
        for (int i = 0; i < 50 && started == null; i++) {
          var recent = handle.describe().getInfo().getRecentActions();
          if (!recent.isEmpty()) {
            started =
                ((ScheduleActionExecutionStartWorkflow) recent.get(0).getAction()).getWorkflowId();
          } else {
            Thread.sleep(200);
          }
        }
        assertThat(started).startsWith("backup-" + cluster + "-scheduled");
        WorkflowStub run = client.temporal().newUntypedWorkflowStub(started);
        assertThat(run.describe().getWorkflowType()).isEqualTo("BackupWorkflow");
        run.terminate("test over: no worker serves this cluster");
      } finally {
        if (handle != null) {
          handle.delete();
        }
      }
    }
  }

  @Test
  void hourlyIsADailyFilesFullAndIncrementalsInTheOtherHours() throws Exception {
    String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    LifeboatConfig config = config(cluster, "hourly");
    List<BackupSchedules.Plan> plans = BackupSchedules.plan(config);

    assertThat(plans)
        .extracting(BackupSchedules.Plan::id, BackupSchedules.Plan::cron)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("backup-" + cluster + "-hourly-full", "0 0 * * *"),
            org.assertj.core.groups.Tuple.tuple(
                "backup-" + cluster + "-hourly-incremental", "0 1-23 * * *"));
    assertThat(plans.get(0).request().source()).isEqualTo("files");
    assertThat(plans.get(1).request().typeOrDefault()).isEqualTo("incremental");

    try (LifeboatClient client = LifeboatClient.connect(config.temporal())) {
      BackupSchedules schedules = client.schedules();
      try {
        assertThat(schedules.apply(plans)).allSatisfy(a -> assertThat(a.created()).isTrue());
        var incremental =
            io.temporal.client.schedules.ScheduleClient.newInstance(
                    client.temporal().getWorkflowServiceStubs(),
                    io.temporal.client.schedules.ScheduleClientOptions.newBuilder().build())
                .getHandle("backup-" + cluster + "-hourly-incremental");
        // The next runs fall on the hour but never at midnight, the full backup's slot.
        assertThat(incremental.describe().getInfo().getNextActionTimes())
            .isNotEmpty()
            .allSatisfy(
                t -> {
                  java.time.ZonedDateTime at = t.atZone(java.time.ZoneOffset.UTC);
                  assertThat(at.getMinute()).isZero();
                  assertThat(at.getHour()).isNotZero();
                });
      } finally {
        for (BackupSchedules.Plan plan : plans) {
          try {
            io.temporal.client.schedules.ScheduleClient.newInstance(
                    client.temporal().getWorkflowServiceStubs(),
                    io.temporal.client.schedules.ScheduleClientOptions.newBuilder().build())
                .getHandle(plan.id())
                .delete();
          } catch (RuntimeException alreadyGone) {
            // Nothing to clean up.
          }
        }
      }
    }
  }

  @Test
  void theDailyTestRestoreScheduleStartsARestoreWorkflowThatProvesTheNewestBackup()
      throws Exception {
    String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    LifeboatConfig config = config(cluster, "daily");
    try (LifeboatClient client = LifeboatClient.connect(config.temporal())) {
      BackupSchedules schedules = client.schedules();
      var handle =
          io.temporal.client.schedules.ScheduleClient.newInstance(
                  client.temporal().getWorkflowServiceStubs(),
                  io.temporal.client.schedules.ScheduleClientOptions.newBuilder().build())
              .getHandle(BackupSchedules.restoreTestId(cluster));
      try {
        assertThat(schedules.applyRestoreTests(List.of(cluster))).containsEntry(cluster, true);
        assertThat(schedules.applyRestoreTests(List.of(cluster))).containsEntry(cluster, false);
        java.time.ZonedDateTime next =
            handle
                .describe()
                .getInfo()
                .getNextActionTimes()
                .get(0)
                .atZone(java.time.ZoneOffset.UTC);
        assertThat(next.toLocalTime()).isEqualTo(java.time.LocalTime.of(3, 0));

        handle.trigger();
        String started = null;
        for (int i = 0; i < 50 && started == null; i++) {
          var recent = handle.describe().getInfo().getRecentActions();
          if (!recent.isEmpty()) {
            started =
                ((ScheduleActionExecutionStartWorkflow) recent.get(0).getAction()).getWorkflowId();
          } else {
            Thread.sleep(200);
          }
        }
        assertThat(started).startsWith("restore-test-" + cluster + "-scheduled");
        WorkflowStub run = client.temporal().newUntypedWorkflowStub(started);
        assertThat(run.describe().getWorkflowType()).isEqualTo("RestoreWorkflow");
        run.terminate("test over: no worker serves this cluster");
      } finally {
        handle.delete();
      }
    }
  }

  @Test
  void theWeeklyRandomTestRestoreScheduleStartsARandomTestRestoreOnSundays() throws Exception {
    String cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
    LifeboatConfig config = config(cluster, "daily");
    try (LifeboatClient client = LifeboatClient.connect(config.temporal())) {
      BackupSchedules schedules = client.schedules();
      var handle =
          io.temporal.client.schedules.ScheduleClient.newInstance(
                  client.temporal().getWorkflowServiceStubs(),
                  io.temporal.client.schedules.ScheduleClientOptions.newBuilder().build())
              .getHandle(BackupSchedules.randomRestoreTestId(cluster));
      try {
        assertThat(schedules.applyRandomRestoreTests(List.of(cluster)))
            .containsEntry(cluster, true);
        assertThat(schedules.applyRandomRestoreTests(List.of(cluster)))
            .containsEntry(cluster, false);
        assertThat(schedules.list())
            .extracting(s -> s.getScheduleId())
            .contains(BackupSchedules.randomRestoreTestId(cluster));
        java.time.ZonedDateTime next =
            handle
                .describe()
                .getInfo()
                .getNextActionTimes()
                .get(0)
                .atZone(java.time.ZoneOffset.UTC);
        assertThat(next.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.SUNDAY);
        assertThat(next.toLocalTime()).isEqualTo(java.time.LocalTime.of(4, 0));

        handle.trigger();
        String started = null;
        for (int i = 0; i < 50 && started == null; i++) {
          var recent = handle.describe().getInfo().getRecentActions();
          if (!recent.isEmpty()) {
            started =
                ((ScheduleActionExecutionStartWorkflow) recent.get(0).getAction()).getWorkflowId();
          } else {
            Thread.sleep(200);
          }
        }
        assertThat(started).startsWith("restore-test-random-" + cluster + "-scheduled");
        WorkflowStub run = client.temporal().newUntypedWorkflowStub(started);
        assertThat(run.describe().getWorkflowType()).isEqualTo("RandomTestRestoreWorkflow");
        run.terminate("test over: no worker serves this cluster");
      } finally {
        handle.delete();
      }
    }
  }
}
