package dev.lifeboat.starter.client;

import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.client.schedules.ScheduleListDescription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * The backup API of the reference deployment's {@code BackupService}, on Temporal: each call runs
 * (and waits for) a Lifeboat workflow, so every operation is durable and visible in the Web UI.
 *
 * <pre>{@code
 * try (LifeboatClient lifeboat = LifeboatClient.connect(settings)) {
 *   BackupClient backups = new BackupClient(lifeboat, "shop");
 *   BackupResult backup = backups.performFullBackup(List.of(), 0);
 *   backups.verifyBackup(backup.backupId());
 *   BackupClient.Status status = backups.getBackupStatus();
 *   backups.cleanupOldBackups(30);
 * }
 * }</pre>
 */
public final class BackupClient {

  private static final Duration LONG = Duration.ofHours(12);
  private static final Duration SHORT = Duration.ofMinutes(10);

  private final LifeboatClient lifeboat;
  private final String cluster;
  private final Clock clock;

  public BackupClient(LifeboatClient lifeboat, String cluster) {
    this(lifeboat, cluster, Clock.systemUTC());
  }

  BackupClient(LifeboatClient lifeboat, String cluster, Clock clock) {
    this.lifeboat = lifeboat;
    this.cluster = cluster;
    this.clock = clock;
  }

  /**
   * Takes a full backup and waits for it.
   *
   * @param destinations destination names, empty for all
   * @param quorum copies that must be sealed, 0 for all
   */
  public BackupResult performFullBackup(List<String> destinations, int quorum)
      throws TimeoutException {
    LifeboatClient.BackupRun run =
        lifeboat.startBackup(
            new BackupRequest(cluster, BackupRequest.FULL, null, destinations, quorum));
    return lifeboat.awaitBackup(run.workflowId(), LONG);
  }

  /**
   * Takes a full backup as asked and waits for it.
   *
   * @param request the backup, e.g. with a source of {@code files} to be the parent of incrementals
   */
  public BackupResult performFullBackup(BackupRequest request) throws TimeoutException {
    if (!BackupRequest.FULL.equals(request.typeOrDefault()) || !cluster.equals(request.cluster())) {
      throw new IllegalArgumentException("performFullBackup takes a full backup of " + cluster);
    }
    LifeboatClient.BackupRun run = lifeboat.startBackup(request);
    return lifeboat.awaitBackup(run.workflowId(), LONG);
  }

  /**
   * Takes an incremental backup and waits for it.
   *
   * @param parentId the backup to build on, or null for the newest
   * @param destinations destination names, empty for all
   * @param quorum copies that must be sealed, 0 for all
   */
  public BackupResult performIncrementalBackup(
      String parentId, List<String> destinations, int quorum) throws TimeoutException {
    LifeboatClient.BackupRun run =
        lifeboat.startBackup(
            new BackupRequest(
                cluster,
                BackupRequest.INCREMENTAL,
                null,
                destinations,
                quorum,
                BackupRequest.SOURCE_FILES,
                parentId));
    return lifeboat.awaitBackup(run.workflowId(), LONG);
  }

  /** Verifies a backup in every destination. */
  public List<VerificationSummary> verifyBackup(String backupId) throws TimeoutException {
    return lifeboat.verifyBackup(cluster, backupId, LONG);
  }

  /** Deletes backups older than {@code days} days, never the newest. */
  public RetentionPlan cleanupOldBackups(int days) throws TimeoutException {
    return lifeboat.retention(new RetentionRequest(cluster, days, true), LONG);
  }

  /**
   * What {@link #getBackupStatus()} reports.
   *
   * @param cluster the cluster
   * @param lastFull the newest sealed full backup's id, if any
   * @param lastFullFinished when it finished
   * @param sinceLastFull how long ago, at the time of the call
   * @param nextScheduled the next scheduled backup run, if a schedule exists
   * @param copiesPerDestination sealed backup copies per destination
   */
  public record Status(
      String cluster,
      Optional<String> lastFull,
      Optional<Instant> lastFullFinished,
      Optional<Duration> sinceLastFull,
      Optional<Instant> nextScheduled,
      Map<String, Long> copiesPerDestination) {}

  /** Reports the last full backup, its age, the next scheduled run and copies per destination. */
  public Status getBackupStatus() throws TimeoutException {
    List<BackupSummary> backups = lifeboat.listBackups(cluster, SHORT);
    Optional<BackupSummary> lastFull =
        backups.stream()
            .filter(b -> b.type().equals("FULL"))
            .max(Comparator.comparing(BackupSummary::stopTime));
    Map<String, Long> perDestination = new LinkedHashMap<>();
    for (BackupSummary backup : backups) {
      perDestination.merge(backup.destination(), 1L, Long::sum);
    }
    Optional<Instant> next =
        lifeboat.schedules().list().stream()
            .filter(s -> s.getScheduleId().startsWith("backup-" + cluster + "-"))
            .map(ScheduleListDescription::getInfo)
            .flatMap(info -> info.getNextActionTimes().stream())
            .min(Comparator.naturalOrder());
    return new Status(
        cluster,
        lastFull.map(BackupSummary::backupId),
        lastFull.map(BackupSummary::stopTime),
        lastFull.map(b -> Duration.between(b.stopTime(), clock.instant())),
        next,
        perDestination);
  }
}
