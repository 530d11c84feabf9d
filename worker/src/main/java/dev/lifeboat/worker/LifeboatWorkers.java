package dev.lifeboat.worker;

import dev.lifeboat.activities.archive.WalArchiverActivitiesImpl;
import dev.lifeboat.activities.backup.BackupActivitiesImpl;
import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.activities.postgres.PostgresActivitiesImpl;
import dev.lifeboat.activities.restore.RestoreActivitiesImpl;
import dev.lifeboat.activities.runbook.RunbookStepActivitiesImpl;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.topology.TopologyActivitiesImpl;
import dev.lifeboat.activities.traffic.TrafficActivitiesImpl;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.archive.WalArchiverWorkflowImpl;
import dev.lifeboat.workflows.backup.BackfillCopiesWorkflowImpl;
import dev.lifeboat.workflows.backup.BackupInventoryWorkflowImpl;
import dev.lifeboat.workflows.backup.BackupWorkflowImpl;
import dev.lifeboat.workflows.backup.ListBackupsWorkflowImpl;
import dev.lifeboat.workflows.backup.RetentionWorkflowImpl;
import dev.lifeboat.workflows.backup.VerifyBackupWorkflowImpl;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterLockWorkflowImpl;
import dev.lifeboat.workflows.failover.ClusterMonitorWorkflowImpl;
import dev.lifeboat.workflows.failover.DisasterSimulationWorkflowImpl;
import dev.lifeboat.workflows.failover.FailbackWorkflowImpl;
import dev.lifeboat.workflows.failover.FailoverWorkflowImpl;
import dev.lifeboat.workflows.health.ClusterHealthWorkflowImpl;
import dev.lifeboat.workflows.restore.RandomTestRestoreWorkflowImpl;
import dev.lifeboat.workflows.restore.RestoreWorkflowImpl;
import dev.lifeboat.workflows.restore.TableRestoreWorkflowImpl;
import dev.lifeboat.workflows.runbook.RunbookWorkflowImpl;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Registers every Lifeboat workflow and activity on its task queue. The worker main and the
 * integration tests both call this, so tests run exactly what production runs.
 */
public final class LifeboatWorkers {

  /**
   * Heartbeats reach the server at least every 5 s (the SDK's default waits up to 30 s), so the
   * CLI's progress bar moves while a backup streams.
   */
  static final WorkerOptions WORKER_OPTIONS =
      WorkerOptions.newBuilder()
          .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(5))
          .setDefaultHeartbeatThrottleInterval(Duration.ofSeconds(5))
          .build();

  private LifeboatWorkers() {}

  /**
   * Creates the workers of one process: the orchestration queue and one queue per served region.
   *
   * @param factory the factory to create workers in; the caller starts it
   * @param config the validated configuration
   * @param environment where secrets may come from, usually {@code System.getenv()}
   * @return the task queues now served
   */
  public static List<String> register(
      WorkerFactory factory, LifeboatConfig config, Map<String, String> environment) {
    SecretResolver secrets = new SecretResolver(config.secretsDir(), environment);
    PgConnections connections = new PgConnections(secrets);
    List<String> queues = new ArrayList<>();

    BackupActivitiesImpl backups =
        new BackupActivitiesImpl(config, secrets, connections, Clock.systemUTC());
    WalArchiverActivitiesImpl walArchiver =
        new WalArchiverActivitiesImpl(
            config,
            secrets,
            connections,
            Clock.systemUTC(),
            WalArchiverActivitiesImpl.spoolRoot(environment));

    RestoreActivitiesImpl restores =
        new RestoreActivitiesImpl(config, secrets, connections, Clock.systemUTC());

    Worker orchestration = factory.newWorker(TaskQueues.ORCHESTRATION, WORKER_OPTIONS);
    orchestration.registerWorkflowImplementationTypes(
        ClusterHealthWorkflowImpl.class,
        BackupWorkflowImpl.class,
        BackfillCopiesWorkflowImpl.class,
        ListBackupsWorkflowImpl.class,
        BackupInventoryWorkflowImpl.class,
        VerifyBackupWorkflowImpl.class,
        RetentionWorkflowImpl.class,
        WalArchiverWorkflowImpl.class,
        RestoreWorkflowImpl.class,
        RandomTestRestoreWorkflowImpl.class,
        TableRestoreWorkflowImpl.class,
        FailoverWorkflowImpl.class,
        FailbackWorkflowImpl.class,
        ClusterMonitorWorkflowImpl.class,
        ClusterLockWorkflowImpl.class,
        DisasterSimulationWorkflowImpl.class,
        RunbookWorkflowImpl.class);
    TrafficActivitiesImpl traffic = new TrafficActivitiesImpl(secrets);
    orchestration.registerActivitiesImplementations(
        new TopologyActivitiesImpl(config),
        backups,
        restores,
        traffic,
        new RunbookStepActivitiesImpl(config, connections, environment));
    queues.add(TaskQueues.ORCHESTRATION);

    // Probes and base backups run next to the region's database hosts.
    for (String region : config.servedRegions()) {
      Worker regional = factory.newWorker(TaskQueues.forRegion(region), WORKER_OPTIONS);
      regional.registerActivitiesImplementations(
          new PostgresActivitiesImpl(connections, secrets),
          backups,
          walArchiver,
          restores,
          traffic);
      queues.add(TaskQueues.forRegion(region));
    }
    return queues;
  }
}
