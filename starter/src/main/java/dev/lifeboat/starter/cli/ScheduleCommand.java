package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.BackupSchedules;
import dev.lifeboat.starter.client.LifeboatClient;
import io.temporal.client.schedules.ScheduleListDescription;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code lifeboat schedule apply|list}: backup strategies as Temporal Schedules. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description = "Manage the Temporal Schedules that take backups.",
    subcommands = {ScheduleCommand.Apply.class, ScheduleCommand.ListSchedules.class})
public final class ScheduleCommand {

  /** Creates or updates one schedule per cluster from backup.strategy / BACKUP_STRATEGY. */
  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Create or update, per cluster, the Temporal Schedule of backup.strategy (BACKUP_STRATEGY):",
        "daily = full at 00:00 UTC, weekly = full on Sunday 00:00 UTC, continuous = daily full plus",
        "the WAL archiver (started unless running); and restore-test-<cluster>, a daily test",
        "restore of the newest backup at 03:00 UTC. Overlapping runs are skipped;",
        "a run missed while Temporal was down starts if it is at most an hour late. Idempotent."
      })
  static final class Apply implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      List<BackupSchedules.Plan> plans = BackupSchedules.plan(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        for (BackupSchedules.Applied applied : client.schedules().apply(plans)) {
          out.printf(
              "%s %s: %s backup of %s, cron \"%s\" (UTC)%n",
              applied.created() ? "created" : "updated",
              applied.plan().id(),
              applied.plan().request().typeOrDefault(),
              applied.plan().cluster(),
              applied.plan().cron());
          if (BackupSchedules.CONTINUOUS.equals(applied.plan().strategy())) {
            out.printf(
                "running wal-archiver-%s: continuous WAL archiving%n", applied.plan().cluster());
          }
        }
        client
            .schedules()
            .applyRestoreTests(List.copyOf(loaded.clusters().keySet()))
            .forEach(
                (cluster, created) ->
                    out.printf(
                        "%s %s: test restore of the newest backup of %s, cron \"0 3 * * *\" (UTC),"
                            + " scratch port %d%n",
                        created ? "created" : "updated",
                        BackupSchedules.restoreTestId(cluster),
                        cluster,
                        BackupSchedules.RESTORE_TEST_PORT));
        client
            .schedules()
            .applyRandomRestoreTests(List.copyOf(loaded.clusters().keySet()))
            .forEach(
                (cluster, created) ->
                    out.printf(
                        "%s %s: test restore of a random older backup of %s to a random time,"
                            + " cron \"0 4 * * 0\" (UTC), scratch port %d%n",
                        created ? "created" : "updated",
                        BackupSchedules.randomRestoreTestId(cluster),
                        cluster,
                        BackupSchedules.RANDOM_RESTORE_TEST_PORT));
      }
      return ExitCodes.OK;
    }
  }

  /** Lists the backup schedules with their next run. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the backup schedules.")
  static final class ListSchedules implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        List<ScheduleListDescription> schedules = client.schedules().list();
        if (schedules.isEmpty()) {
          out.println("no backup schedules; create them with 'lifeboat schedule apply'");
        }
        for (ScheduleListDescription schedule : schedules) {
          var info = schedule.getInfo();
          out.printf(
              "%-32s next run %s%s%n",
              schedule.getScheduleId(),
              info.getNextActionTimes().isEmpty() ? "-" : info.getNextActionTimes().get(0),
              info.getRecentActions().isEmpty()
                  ? ""
                  : ", last run "
                      + info.getRecentActions()
                          .get(info.getRecentActions().size() - 1)
                          .getScheduledAt());
        }
      }
      return ExitCodes.OK;
    }
  }
}
