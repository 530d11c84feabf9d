package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.BackupClient;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.starter.client.RestoreClient;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupProgress;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.VerificationSummary;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat backup}: backups of a cluster. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = "Take, list, verify and expire backups (BackupWorkflow and friends).",
    subcommands = {
      BackupCommand.Full.class,
      BackupCommand.Incremental.class,
      BackupCommand.ListCommand.class,
      BackupCommand.Show.class,
      BackupCommand.Verify.class,
      BackupCommand.Cleanup.class,
      BackupCommand.StatusCommand.class
    })
public final class BackupCommand {

  /** {@code lifeboat backup full}: a full base backup to the configured destinations. */
  @Command(
      name = "full",
      mixinStandardHelpOptions = true,
      description = {
        "Take a full base backup (compressed, encrypted, checksummed) and store it in every",
        "configured destination (or --destination ...). Waits and shows the progress;",
        "exit code 0 when the quorum of copies is sealed."
      })
  static final class Full extends TakeBackup {

    @Option(
        names = "--source",
        paramLabel = "files|stream",
        description = {
          "files: read the data directory during pg_backup_start/stop (the worker runs on the",
          "database host; needed as the parent of incrementals); stream: pg_basebackup.",
          "Default: backup.source in lifeboat.yaml (auto)."
        })
    String source;

    @Override
    BackupRequest request(String cluster) {
      if (source != null
          && !source.equals(BackupRequest.SOURCE_FILES)
          && !source.equals(BackupRequest.SOURCE_STREAM)) {
        throw new IllegalArgumentException(
            "--source " + source + " is not known; use files or stream");
      }
      return new BackupRequest(
          cluster, BackupRequest.FULL, sourceNode, destinations, quorum, source, null);
    }
  }

  /** {@code lifeboat backup incremental}: the pages changed since a parent backup. */
  @Command(
      name = "incremental",
      mixinStandardHelpOptions = true,
      description = {
        "Take an incremental backup: only the pages changed since the parent (default: the",
        "newest backup), new files whole, and the WAL since the parent. --source files (the",
        "default) needs a files parent and the worker on the database host; --source stream",
        "takes a block-level incremental with pg_basebackup --incremental (PostgreSQL 17+,",
        "summarize_wal = on) on top of a stream parent."
      })
  static final class Incremental extends TakeBackup {

    @Option(
        names = "--source",
        paramLabel = "files|stream",
        description = {
          "files: the changed pages read from the data directory (default); stream: a block-level",
          "incremental from pg_basebackup --incremental (PostgreSQL 17 or newer)."
        })
    String source = BackupRequest.SOURCE_FILES;

    @Option(
        names = "--parent",
        paramLabel = "ID",
        description = "The backup to build on (default: the newest backup of the cluster).")
    String parent;

    @Override
    BackupRequest request(String cluster) {
      if (!source.equals(BackupRequest.SOURCE_FILES)
          && !source.equals(BackupRequest.SOURCE_STREAM)) {
        throw new IllegalArgumentException(
            "--source " + source + " is not known; use files or stream");
      }
      return new BackupRequest(
          cluster, BackupRequest.INCREMENTAL, sourceNode, destinations, quorum, source, parent);
    }
  }

  /** What full and incremental backups share: where, how many copies, and following progress. */
  abstract static class TakeBackup implements Callable<Integer> {

    @Mixin ConfigOption config;

    @Mixin ClusterOption clusterOption;

    @Option(
        names = "--from",
        paramLabel = "NODE",
        description = "Node to read from (default: the primary).")
    String sourceNode;

    @Option(
        names = "--destination",
        split = ",",
        paramLabel = "NAME",
        description = "Destinations to use (default: all configured).")
    List<String> destinations = List.of();

    @Option(
        names = "--quorum",
        defaultValue = "0",
        description = "Copies that must succeed (default: all).")
    int quorum;

    @Option(
        names = "--timeout",
        defaultValue = "PT2H",
        description = "How long to wait (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Start the backup and print its id without waiting.")
    boolean noWait;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    /** What to ask BackupWorkflow for. */
    abstract BackupRequest request(String cluster);

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      if (quorum < 0) {
        throw new IllegalArgumentException(
            "--quorum " + quorum + " is negative; use 0 for all destinations");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        LifeboatClient.BackupRun run = client.startBackup(request(cluster));
        out.println("Backup started: " + run.workflowId());
        out.println("Web UI: " + run.uiUrl());
        out.flush();
        if (noWait) {
          return ExitCodes.OK;
        }
        BackupResult result = follow(client, run.workflowId(), out);
        print(result, out);
        return ExitCodes.OK;
      }
    }

    /**
     * Polls until the result arrives: phase changes from the workflow's progress query, bytes from
     * the streaming activity's heartbeats, drawn as a progress bar on stderr.
     */
    private BackupResult follow(LifeboatClient client, String workflowId, PrintWriter out)
        throws Exception {
      String[] lastPhase = {""};
      try (TransferBar bar = new TransferBar()) {
        WorkflowFollower.untilClosed(
            client,
            workflowId,
            "backup",
            timeout,
            state -> {
              BackupProgress progress = client.backupProgress(workflowId);
              String phase =
                  progress.phase()
                      + (progress.landing() == null ? "" : " (" + progress.landing() + ")");
              if (!phase.equals(lastPhase[0])) {
                bar.close();
                out.printf("  %s, sealed copies: %s%n", phase, progress.completeCopies());
                out.flush();
                lastPhase[0] = phase;
              }
              bar.show(state.progress());
            });
      }
      return client.awaitBackup(workflowId, WorkflowFollower.RESULT_AFTER_CLOSE);
    }

    private static void print(BackupResult result, PrintWriter out) {
      out.printf(
          Locale.ROOT,
          "%nBackup %s (%s, %s) of %s from %s: WAL %s to %s, %,d bytes read, %d of %d copies"
              + " sealed (quorum %d)%n",
          result.backupId(),
          result.type(),
          result.method(),
          result.cluster(),
          result.sourceNode(),
          result.startLsn(),
          result.stopLsn(),
          result.rawBytes(),
          result.completeCopies(),
          result.copies().size(),
          result.quorum());
      if (result.parentId() != null) {
        out.printf(
            Locale.ROOT,
            "  builds on %s; stored size %.1f%% of the full backup's%n",
            result.parentId(),
            result.shareOfFull() * 100);
      }
      for (BackupCopy copy : result.copies()) {
        out.printf(
            Locale.ROOT,
            "  %-8s %-7s %,15d bytes  %s%n",
            copy.destination(),
            copy.complete() ? "sealed" : "MISSING",
            copy.storedBytes(),
            copy.complete() ? copy.url() : copy.error());
      }
      for (String warning : result.warnings()) {
        out.println("  WARNING: " + warning);
      }
    }
  }

  /** {@code lifeboat backup list}: sealed backups in every destination. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the sealed backups of a cluster in every destination.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Mixin ClusterOption clusterOption;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        List<BackupSummary> backups = client.listBackups(cluster, Duration.ofMinutes(5));
        if (backups.isEmpty()) {
          out.println("no sealed backups of " + cluster + "; take one with 'lifeboat backup full'");
        } else {
          out.printf(
              "%-24s %-6s %-22s %-12s %15s %15s  %s%n",
              "BACKUP",
              "TYPE",
              "FINISHED",
              "STOP LSN",
              "PLAIN BYTES",
              "STORED BYTES",
              "DESTINATION");
          for (BackupSummary b : backups) {
            out.printf(
                Locale.ROOT,
                "%-24s %-6s %-22s %-12s %,15d %,15d  %s%n",
                b.backupId(),
                b.type().toLowerCase(Locale.ROOT),
                b.stopTime(),
                b.stopLsn(),
                b.rawBytes(),
                b.storedBytes(),
                b.destination());
          }
        }
      }
      return ExitCodes.OK;
    }
  }

  /** {@code lifeboat backup verify ID}: re-read and check a backup in every destination. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Verify a backup in every destination: every object re-read, sizes and SHA-256 checked,",
        "decrypted and decompressed; every problem listed. Exit code 0 when every copy is intact."
      })
  static final class Verify implements Callable<Integer> {
    @Mixin ConfigOption config;

    @picocli.CommandLine.Parameters(
        paramLabel = "ID",
        description = "The backup id, as 'lifeboat backup list' shows it.")
    String backupId;

    @Mixin ClusterOption clusterOption;

    @Option(
        names = "--destination",
        split = ",",
        paramLabel = "NAME",
        description = "Only judge these destinations (default: every configured one).")
    List<String> destinations = List.of();

    @Option(
        names = "--restore",
        description = {
          "Also prove it restorable: restore it to its own end point in a scratch directory on",
          "the source region's worker, start it, check row counts and indexes, tear it down and",
          "stamp the backup (proven.json)."
        })
    boolean restore;

    @Option(
        names = "--scratch-port",
        defaultValue = "55498",
        description = "Port of the scratch server of --restore (default: ${DEFAULT-VALUE}).")
    int scratchPort;

    @Option(
        names = "--scratch-dir",
        paramLabel = "DIR",
        description = "Scratch data directory of --restore (default: /var/tmp/lifeboat-proof-ID).")
    String scratchDirectory;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      boolean intact = true;
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        for (VerificationSummary v : client.verifyBackup(cluster, backupId, Duration.ofHours(6))) {
          if (!destinations.isEmpty() && !destinations.contains(v.destination())) {
            continue;
          }
          intact &= v.intact();
          out.printf(
              Locale.ROOT,
              "%-8s %-8s %d objects, %,d bytes read%n",
              v.destination(),
              v.intact() ? "intact" : "DAMAGED",
              v.objectsChecked(),
              v.storedBytes());
          for (String problem : v.problems()) {
            out.println("    " + problem);
          }
        }
        if (restore) {
          String scratch =
              scratchDirectory != null ? scratchDirectory : "/var/tmp/lifeboat-proof-" + backupId;
          out.println("Proving " + backupId + " restorable in " + scratch + " ...");
          out.flush();
          RestoreReport report =
              new RestoreClient(client.temporal())
                  .prove(
                      cluster,
                      backupId,
                      destinations.isEmpty() ? null : destinations.get(0),
                      scratch,
                      scratchPort);
          RestoreCommand.print(report, out);
          intact &= report.proven();
        }
      }
      return intact ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  /** {@code lifeboat backup cleanup}: retention, planned first, applied on request. */
  @Command(
      name = "cleanup",
      mixinStandardHelpOptions = true,
      description = {
        "Expire backups older than the retention (default: backup.retentionDays / BACKUP_RETENTION),",
        "never the newest one. Shows the plan; --apply deletes (data keys first: crypto-shredding)."
      })
  static final class Cleanup implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Mixin ClusterOption clusterOption;

    @Option(names = "--older-than", paramLabel = "DAYS", description = "Retention, e.g. 30d or 30.")
    String olderThan;

    @Option(
        names = "--apply",
        description = "Delete the expired backups instead of only showing the plan.")
    boolean apply;

    @Option(
        names = "--keep-last",
        paramLabel = "N",
        defaultValue = "0",
        description = "Keep the newest N backups instead of retaining by age.")
    int keepLast;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      int days = olderThan == null ? loaded.requireBackup().retentionDays() : parseDays(olderThan);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        RetentionPlan plan =
            client.retention(
                new RetentionRequest(cluster, days, apply, Math.max(0, keepLast)),
                Duration.ofHours(6));
        out.printf(
            "Retention of %s: %s. %d backup copies %s, %d kept.%n",
            cluster,
            keepLast > 0 ? "the newest " + keepLast + " backups" : days + " days",
            plan.expire().size(),
            apply ? "deleted" : "would be deleted",
            plan.keep().size());
        for (BackupSummary b : plan.expire()) {
          out.printf(
              "  %s %s in %s (finished %s)%n",
              apply ? "deleted" : "expire ", b.backupId(), b.destination(), b.stopTime());
        }
        plan.keptBecause().forEach((id, why) -> out.printf("  keep    %s: %s%n", id, why));
        for (var wal : plan.wal()) {
          out.printf(
              Locale.ROOT,
              "  WAL in %s before %s: %d segments, %,d bytes %s; %d unused WAL keys %s%n",
              wal.destination(),
              wal.keepFromLsn(),
              wal.segmentsExpired(),
              wal.bytesExpired(),
              apply ? "deleted" : "would be deleted",
              wal.keysShredded().size(),
              apply ? "shredded" : "would be shredded");
        }
        for (String problem : plan.problems()) {
          out.println("  FAILED: " + problem);
        }
        if (!apply && !plan.expire().isEmpty()) {
          out.println("Run again with --apply to delete them.");
        }
        return plan.problems().isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }

    static int parseDays(String text) {
      String digits = text.endsWith("d") ? text.substring(0, text.length() - 1) : text;
      try {
        int days = Integer.parseInt(digits);
        if (days > 0) {
          return days;
        }
      } catch (NumberFormatException e) {
        // Reported below.
      }
      throw new IllegalArgumentException(
          "--older-than '" + text + "' is not a number of days such as 30d");
    }
  }

  /** {@code lifeboat backup show ID}: one backup, its copies and its chain. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show one backup: type, WAL range, sizes, the destinations holding a copy (and their last",
        "verification), and the chain of backups a restore of it needs."
      })
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Mixin ClusterOption clusterOption;

    @picocli.CommandLine.Parameters(paramLabel = "ID", description = "The backup id.")
    String backupId;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        var inventory = client.backupInventory(cluster, Duration.ofMinutes(5));
        List<BackupSummary> copies =
            inventory.backups().stream().filter(b -> b.backupId().equals(backupId)).toList();
        if (copies.isEmpty()) {
          throw new IllegalArgumentException(
              "backup "
                  + backupId
                  + " of "
                  + cluster
                  + " has no sealed copy in any destination"
                  + (inventory.unreachable().isEmpty()
                      ? ""
                      : " that answered (down: " + inventory.unreachable().keySet() + ")")
                  + "; 'lifeboat backup list' shows the backups");
        }
        BackupSummary first = copies.get(0);
        out.printf(
            Locale.ROOT,
            "Backup %s of %s: %s, finished %s, consistent at %s, %,d bytes before compression%n",
            backupId,
            cluster,
            first.type().toLowerCase(Locale.ROOT),
            first.stopTime(),
            first.stopLsn(),
            first.rawBytes());
        List<String> chain = new java.util.ArrayList<>();
        String link = first.parentId();
        while (link != null) {
          chain.add(0, link);
          String current = link;
          link =
              inventory.backups().stream()
                  .filter(b -> b.backupId().equals(current))
                  .findFirst()
                  .map(BackupSummary::parentId)
                  .orElse(null);
        }
        if (!chain.isEmpty()) {
          out.println(
              "  restoring it needs, in order: " + String.join(" -> ", chain) + " -> " + backupId);
        }
        if (first.pageChecksums() != null) {
          out.println("  data page checksums when taken: " + first.pageChecksums());
        }
        for (BackupSummary copy : copies) {
          out.printf(
              Locale.ROOT,
              "  %-8s %,15d bytes stored, last verified %s%n",
              copy.destination(),
              copy.storedBytes(),
              copy.verifiedAt() == null ? "never" : copy.verifiedAt().toString());
        }
        inventory.unreachable().forEach((d, why) -> out.printf("  %-8s DOWN: %s%n", d, why));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code lifeboat backup status}: the last full backup, its age, the next run, the copies. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Show the last full and incremental backups, their age, the next scheduled run and, per",
        "destination, the copies, whether the newest backup is there and the last verification.",
        "Exit code 1 when there is no full backup, a destination is down or behind, or the newest",
        "full or incremental stored data pages that failed checksum verification."
      })
  static final class StatusCommand implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Mixin ClusterOption clusterOption;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        dev.lifeboat.starter.client.BackupClient.Status status =
            new dev.lifeboat.starter.client.BackupClient(client, cluster).getBackupStatus();
        out.println("Cluster " + cluster);
        out.println("  last full:        " + describe(status.lastFull(), status.sinceLastFull()));
        out.println(
            "  last incremental: "
                + describe(status.lastIncremental(), status.sinceLastIncremental()));
        out.println(
            "  next scheduled:   "
                + status
                    .nextScheduled()
                    .map(Object::toString)
                    .orElse("no schedule; 'lifeboat schedule apply'"));
        out.println(
            "  last proven:      "
                + status
                    .lastProven()
                    .map(
                        t ->
                            t.truncatedTo(ChronoUnit.SECONDS)
                                + " ("
                                + Duration.between(t, java.time.Instant.now()).toMinutes()
                                + " min ago, by a test restore)")
                    .orElse("never: 'lifeboat backup verify ID --restore'"));
        out.println(
            "  WAL archive:      "
                + status
                    .archive()
                    .map(
                        a ->
                            String.format(
                                Locale.ROOT,
                                "%s, last segment %s, lag %,d bytes / %.1f s%s",
                                a.phase(),
                                a.lastSegment() == null ? "none yet" : a.lastSegment(),
                                a.lagBytes(),
                                a.lagSeconds(),
                                a.warning() == null ? "" : " (" + a.warning() + ")"))
                    .orElse("no archiver running ('lifeboat archive start')"));
        out.println("  destinations:");
        for (BackupClient.DestinationHealth d : status.destinations()) {
          out.printf(
              Locale.ROOT,
              "    %-8s %-9s %3d copies, newest backup %s, last verified %s%s%n",
              d.destination(),
              d.unreachable().isPresent() ? "DOWN" : d.healthy() ? "ok" : "BEHIND",
              d.copies(),
              d.hasNewest() ? "present" : "MISSING",
              d.lastVerified()
                  .map(t -> t.truncatedTo(ChronoUnit.SECONDS).toString())
                  .orElse("never"),
              d.unreachable().map(why -> " (" + why + ")").orElse(""));
        }
        boolean damaged = false;
        for (Optional<BackupSummary> newest :
            List.of(status.lastFull(), status.lastIncremental())) {
          if (newest.isPresent() && newest.get().storedDamagedPages()) {
            damaged = true;
            out.println(
                "  WARNING: backup "
                    + newest.get().backupId()
                    + " stored data pages that failed checksum verification ("
                    + newest.get().pageChecksums()
                    + "): the source's storage is corrupting data; 'lifeboat backup show "
                    + newest.get().backupId()
                    + "'");
          }
        }
        boolean healthy =
            status.destinations().stream().allMatch(BackupClient.DestinationHealth::healthy);
        return status.lastFull().isPresent() && healthy && !damaged
            ? ExitCodes.OK
            : ExitCodes.FAILED;
      }
    }

    private static String describe(Optional<BackupSummary> backup, Optional<Duration> since) {
      return backup
          .map(
              b ->
                  b.backupId()
                      + ", finished "
                      + b.stopTime().truncatedTo(ChronoUnit.SECONDS)
                      + " ("
                      + since.orElseThrow().toMinutes()
                      + " min ago)")
          .orElse("none");
    }
  }
}
