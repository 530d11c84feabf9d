package dev.lifeboat.starter.client;

import dev.lifeboat.workflows.model.BackupInventory;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.VerificationSummary;
import dev.lifeboat.workflows.model.WalArchiveStatus;
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
   * @param lastFull the newest sealed full backup, if any
   * @param lastIncremental the newest sealed incremental backup, if any
   * @param sinceLastFull how long ago the last full finished, at the time of the call
   * @param sinceLastIncremental how long ago the last incremental finished
   * @param nextScheduled the next scheduled backup run, if a schedule exists
   * @param destinations the health of each destination, in configuration order
   * @param archive the WAL archiver's status with the archive lag (RPO), when one runs
   * @param lastProven when a backup was last proven restorable by a test restore, if ever
   */
  public record Status(
      String cluster,
      Optional<BackupSummary> lastFull,
      Optional<BackupSummary> lastIncremental,
      Optional<Duration> sinceLastFull,
      Optional<Duration> sinceLastIncremental,
      Optional<Instant> nextScheduled,
      List<DestinationHealth> destinations,
      Optional<WalArchiveStatus> archive,
      Optional<Instant> lastProven) {

    /** How long ago the last test restore proved a backup, at the time of the call. */
    public Optional<Duration> sinceLastProven(Instant now) {
      return lastProven.map(t -> Duration.between(t, now));
    }
  }

  /**
   * One destination as the status sees it.
   *
   * @param destination its name
   * @param copies sealed backup copies in it
   * @param hasNewest whether it holds the cluster's newest backup
   * @param lastVerified when a copy in it last passed a verification, if ever
   * @param unreachable why it could not be listed, if it could not
   */
  public record DestinationHealth(
      String destination,
      long copies,
      boolean hasNewest,
      Optional<Instant> lastVerified,
      Optional<String> unreachable) {

    /** Whether it answered and holds the newest backup. */
    public boolean healthy() {
      return unreachable.isEmpty() && hasNewest;
    }
  }

  /**
   * Reports the last full and incremental backups and their age, the next scheduled run, and per
   * destination the copies, whether the newest backup is there, and the last verification.
   */
  public Status getBackupStatus() throws TimeoutException {
    BackupInventory inventory = lifeboat.backupInventory(cluster, SHORT);
    List<BackupSummary> backups = inventory.backups();
    Optional<BackupSummary> lastFull = newest(backups, "FULL");
    Optional<BackupSummary> lastIncremental = newest(backups, "INCREMENTAL");
    Optional<String> newestId =
        backups.stream()
            .max(Comparator.comparing(BackupSummary::stopTime))
            .map(BackupSummary::backupId);
    Map<String, List<BackupSummary>> byDestination = new LinkedHashMap<>();
    for (String destination : inventory.destinations()) {
      byDestination.put(destination, new java.util.ArrayList<>());
    }
    for (BackupSummary backup : backups) {
      byDestination
          .computeIfAbsent(backup.destination(), d -> new java.util.ArrayList<>())
          .add(backup);
    }
    List<DestinationHealth> health = new java.util.ArrayList<>();
    byDestination.forEach(
        (destination, copies) ->
            health.add(
                new DestinationHealth(
                    destination,
                    copies.size(),
                    newestId.isPresent()
                        && copies.stream().anyMatch(c -> c.backupId().equals(newestId.get())),
                    copies.stream()
                        .map(BackupSummary::verifiedAt)
                        .filter(java.util.Objects::nonNull)
                        .max(Comparator.naturalOrder()),
                    Optional.ofNullable(inventory.unreachable().get(destination)))));
    Optional<Instant> next =
        lifeboat.schedules().list().stream()
            .filter(s -> s.getScheduleId().startsWith("backup-" + cluster + "-"))
            .map(ScheduleListDescription::getInfo)
            .flatMap(info -> info.getNextActionTimes().stream())
            .min(Comparator.naturalOrder());
    return new Status(
        cluster,
        lastFull,
        lastIncremental,
        lastFull.map(b -> Duration.between(b.stopTime(), clock.instant())),
        lastIncremental.map(b -> Duration.between(b.stopTime(), clock.instant())),
        next,
        health,
        archiveStatus(),
        backups.stream()
            .map(BackupSummary::provenAt)
            .filter(java.util.Objects::nonNull)
            .max(Comparator.naturalOrder()));
  }

  /** The archiver's status, or empty when the cluster has no running archiver. */
  private Optional<WalArchiveStatus> archiveStatus() {
    try {
      return Optional.of(new ArchiveClient(lifeboat.temporal()).status(cluster));
    } catch (IllegalStateException notRunning) {
      return Optional.empty();
    }
  }

  private static Optional<BackupSummary> newest(List<BackupSummary> backups, String type) {
    return backups.stream()
        .filter(b -> b.type().equals(type))
        .max(Comparator.comparing(BackupSummary::stopTime));
  }
}
