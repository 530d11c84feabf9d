package dev.lifeboat.starter.client;

import dev.lifeboat.config.BackupSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.RandomTestRestoreRequest;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.restore.RandomTestRestoreWorkflow;
import dev.lifeboat.workflows.restore.RestoreWorkflow;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleListDescription;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The backup strategies of lifeboat.yaml ({@code backup.strategy} / {@code BACKUP_STRATEGY}) as
 * Temporal Schedules that start {@code BackupWorkflow}: one per cluster, created or updated in
 * place, so applying twice changes nothing.
 */
public final class BackupSchedules {

  /** A run missed while the server was down is still started if it is at most this late. */
  static final Duration CATCH_UP_WINDOW = Duration.ofHours(1);

  /** The strategy that adds continuous WAL archiving to a daily full backup. */
  public static final String CONTINUOUS = "continuous";

  private final ScheduleClient schedules;
  private final WorkflowClient workflows;

  public BackupSchedules(ScheduleClient schedules) {
    this(schedules, null);
  }

  /**
   * @param workflows starts the WAL archiver of the {@code continuous} strategy; may be null when
   *     no plan is continuous
   */
  public BackupSchedules(ScheduleClient schedules, WorkflowClient workflows) {
    this.schedules = schedules;
    this.workflows = workflows;
  }

  /**
   * One desired schedule.
   *
   * @param id the schedule id, {@code backup-<cluster>-<strategy>}
   * @param cluster the cluster
   * @param strategy the strategy it implements
   * @param cron when it fires, in UTC
   * @param request what each run backs up
   */
  public record Plan(
      String id, String cluster, String strategy, String cron, BackupRequest request) {}

  /** What applying did to one schedule. */
  public record Applied(Plan plan, boolean created) {}

  /**
   * Computes the schedules a configuration asks for.
   *
   * @throws IllegalArgumentException when the strategy needs a backup type this version does not
   *     take
   */
  public static List<Plan> plan(LifeboatConfig config) {
    BackupSettings backup = config.requireBackup();
    List<Plan> plans = new ArrayList<>();
    for (String cluster : config.clusters().keySet()) {
      String prefix = "backup-" + cluster + "-" + backup.strategy();
      switch (backup.strategy()) {
        // continuous = a daily full as the starting point, plus the WAL archiver (see apply).
        case "daily", "continuous" ->
            plans.add(
                new Plan(
                    prefix, cluster, backup.strategy(), "0 0 * * *", BackupRequest.full(cluster)));
        case "weekly" ->
            plans.add(
                new Plan(
                    prefix, cluster, backup.strategy(), "0 0 * * 0", BackupRequest.full(cluster)));
        case "hourly" -> {
          // The incrementals need a files-source parent, so the daily full reads files too; the
          // 00:00 slot belongs to the full, the incrementals fill the other hours.
          plans.add(
              new Plan(
                  prefix + "-full",
                  cluster,
                  backup.strategy(),
                  "0 0 * * *",
                  new BackupRequest(
                      cluster,
                      BackupRequest.FULL,
                      null,
                      List.of(),
                      0,
                      BackupRequest.SOURCE_FILES,
                      null)));
          plans.add(
              new Plan(
                  prefix + "-incremental",
                  cluster,
                  backup.strategy(),
                  "0 1-23 * * *",
                  BackupRequest.incremental(cluster, null)));
        }
        default ->
            throw new IllegalArgumentException(
                "backup strategy '"
                    + backup.strategy()
                    + "' is not known; use "
                    + String.join(", ", BackupSettings.STRATEGIES));
      }
    }
    return plans;
  }

  /**
   * Creates each planned schedule, or updates it in place when it exists; for the {@code
   * continuous} strategy also starts the cluster's WAL archiver unless it runs.
   */
  public List<Applied> apply(List<Plan> plans) {
    List<Applied> applied = new ArrayList<>();
    for (Plan plan : plans) {
      Schedule schedule = schedule(plan);
      try {
        schedules.createSchedule(plan.id(), schedule, ScheduleOptions.newBuilder().build());
        applied.add(new Applied(plan, true));
      } catch (ScheduleAlreadyRunningException exists) {
        ScheduleHandle handle = schedules.getHandle(plan.id());
        handle.update(current -> new ScheduleUpdate(schedule));
        applied.add(new Applied(plan, false));
      }
      if (CONTINUOUS.equals(plan.strategy())) {
        if (workflows == null) {
          throw new IllegalStateException("the continuous strategy needs a workflow client");
        }
        new ArchiveClient(workflows).ensureRunning(plan.cluster());
      }
    }
    return applied;
  }

  /** When the daily test restore runs: after the 00:00 full backup has had time to finish. */
  static final String RESTORE_TEST_CRON = "0 3 * * *";

  /** The port of the scratch server of scheduled test restores. */
  public static final int RESTORE_TEST_PORT = 55498;

  /** The schedule id of a cluster's daily test restore. */
  public static String restoreTestId(String cluster) {
    return "restore-test-" + cluster;
  }

  /**
   * Creates or updates, per cluster, the daily test restore ({@code restore-test-<cluster>}, 03:00
   * UTC): the newest backup restored to its own end point in {@code
   * /var/tmp/lifeboat-restore-test-<cluster>} on port {@link #RESTORE_TEST_PORT}, validated, torn
   * down, and stamped proven restorable when it passed.
   *
   * @return for each cluster, whether its schedule was created (false: updated)
   */
  public Map<String, Boolean> applyRestoreTests(List<String> clusters) {
    Map<String, Boolean> created = new LinkedHashMap<>();
    for (String cluster : clusters) {
      RestoreRequest proof =
          new RestoreRequest(
              cluster,
              null,
              null,
              null,
              true,
              null,
              "/var/tmp/lifeboat-restore-test-" + cluster,
              RESTORE_TEST_PORT,
              null,
              null,
              false,
              true);
      Schedule schedule =
          Schedule.newBuilder()
              .setAction(
                  ScheduleActionStartWorkflow.newBuilder()
                      .setWorkflowType(RestoreWorkflow.class)
                      .setArguments(proof)
                      .setOptions(
                          WorkflowOptions.newBuilder()
                              .setWorkflowId("restore-test-" + cluster + "-scheduled")
                              .setTaskQueue(TaskQueues.ORCHESTRATION)
                              .setWorkflowExecutionTimeout(Duration.ofHours(12))
                              .setTypedSearchAttributes(
                                  SearchAttributes.newBuilder()
                                      .set(DrSearchAttributes.CLUSTER, cluster)
                                      .set(DrSearchAttributes.KIND, "restore")
                                      .build())
                              .build())
                      .build())
              .setSpec(
                  ScheduleSpec.newBuilder().setCronExpressions(List.of(RESTORE_TEST_CRON)).build())
              .setPolicy(
                  SchedulePolicy.newBuilder()
                      .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                      .setCatchupWindow(CATCH_UP_WINDOW)
                      .build())
              .build();
      created.put(cluster, upsert(restoreTestId(cluster), schedule));
    }
    return created;
  }

  /** When the weekly random test restore runs: Sundays, after the daily one has finished. */
  static final String RANDOM_RESTORE_TEST_CRON = "0 4 * * 0";

  /** The port of the scratch server of the weekly random test restore. */
  public static final int RANDOM_RESTORE_TEST_PORT = 55496;

  /** The schedule id of a cluster's weekly random test restore. */
  public static String randomRestoreTestId(String cluster) {
    return "restore-test-random-" + cluster;
  }

  /**
   * Creates or updates, per cluster, the weekly random test restore ({@code
   * restore-test-random-<cluster>}, Sundays 04:00 UTC): {@code RandomTestRestoreWorkflow} restores
   * a random older backup to a random point in time after it in {@code
   * /var/tmp/lifeboat-restore-test-random-<cluster>} on port {@link #RANDOM_RESTORE_TEST_PORT},
   * validates it, tears it down and stamps it when it passed.
   *
   * @return for each cluster, whether its schedule was created (false: updated)
   */
  public Map<String, Boolean> applyRandomRestoreTests(List<String> clusters) {
    Map<String, Boolean> created = new LinkedHashMap<>();
    for (String cluster : clusters) {
      Schedule schedule =
          Schedule.newBuilder()
              .setAction(
                  ScheduleActionStartWorkflow.newBuilder()
                      .setWorkflowType(RandomTestRestoreWorkflow.class)
                      .setArguments(
                          new RandomTestRestoreRequest(
                              cluster,
                              null,
                              "/var/tmp/lifeboat-restore-test-random-" + cluster,
                              RANDOM_RESTORE_TEST_PORT))
                      .setOptions(
                          WorkflowOptions.newBuilder()
                              .setWorkflowId(randomRestoreTestId(cluster) + "-scheduled")
                              .setTaskQueue(TaskQueues.ORCHESTRATION)
                              .setWorkflowExecutionTimeout(Duration.ofHours(12))
                              .setTypedSearchAttributes(
                                  SearchAttributes.newBuilder()
                                      .set(DrSearchAttributes.CLUSTER, cluster)
                                      .set(DrSearchAttributes.KIND, "restore")
                                      .build())
                              .build())
                      .build())
              .setSpec(
                  ScheduleSpec.newBuilder()
                      .setCronExpressions(List.of(RANDOM_RESTORE_TEST_CRON))
                      .build())
              .setPolicy(
                  SchedulePolicy.newBuilder()
                      .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                      .setCatchupWindow(CATCH_UP_WINDOW)
                      .build())
              .build();
      created.put(cluster, upsert(randomRestoreTestId(cluster), schedule));
    }
    return created;
  }

  /** Creates the schedule, or updates it in place; true when it was created. */
  private boolean upsert(String id, Schedule schedule) {
    try {
      schedules.createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
      return true;
    } catch (ScheduleAlreadyRunningException exists) {
      schedules.getHandle(id).update(current -> new ScheduleUpdate(schedule));
      return false;
    }
  }

  /** Lists Lifeboat's schedules: backups ({@code backup-}) and test restores. */
  public List<ScheduleListDescription> list() {
    return schedules
        .listSchedules()
        .filter(
            s ->
                s.getScheduleId().startsWith("backup-")
                    || s.getScheduleId().startsWith("restore-test-"))
        .collect(Collectors.toList());
  }

  private static Schedule schedule(Plan plan) {
    return Schedule.newBuilder()
        .setAction(
            ScheduleActionStartWorkflow.newBuilder()
                .setWorkflowType(BackupWorkflow.class)
                .setArguments(plan.request())
                .setOptions(
                    WorkflowOptions.newBuilder()
                        // Temporal appends the scheduled time, so each run has its own id.
                        .setWorkflowId("backup-" + plan.cluster() + "-scheduled")
                        .setTaskQueue(TaskQueues.ORCHESTRATION)
                        .setWorkflowExecutionTimeout(Duration.ofHours(23))
                        .setTypedSearchAttributes(
                            SearchAttributes.newBuilder()
                                .set(DrSearchAttributes.CLUSTER, plan.cluster())
                                .set(DrSearchAttributes.KIND, DrSearchAttributes.KIND_BACKUP)
                                .build())
                        .build())
                .build())
        .setSpec(ScheduleSpec.newBuilder().setCronExpressions(List.of(plan.cron())).build())
        .setPolicy(
            SchedulePolicy.newBuilder()
                .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
                .setCatchupWindow(CATCH_UP_WINDOW)
                .build())
        .build();
  }
}
