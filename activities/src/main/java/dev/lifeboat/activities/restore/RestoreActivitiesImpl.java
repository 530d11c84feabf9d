package dev.lifeboat.activities.restore;

import dev.lifeboat.activities.archive.WalArchive;
import dev.lifeboat.activities.archive.WalSeal;
import dev.lifeboat.activities.archive.WalSegments;
import dev.lifeboat.activities.codec.ObjectIntegrityException;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.manifest.BackupChain;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.ManifestException;
import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.manifest.PageChecksumReport;
import dev.lifeboat.activities.manifest.ProofStamp;
import dev.lifeboat.activities.postgres.PgBinaries;
import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.activities.postgres.PgTools;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.activities.RestoreActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.QueryCheck;
import dev.lifeboat.workflows.model.RecoveryOutcome;
import dev.lifeboat.workflows.model.RestorePlan;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.RestoreStep;
import dev.lifeboat.workflows.model.RestoreTask;
import dev.lifeboat.workflows.model.TransferProgress;
import dev.lifeboat.workflows.model.ValidationOutcome;
import dev.lifeboat.workflows.model.ValidationQuery;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Restores backup chains into new data directories and proves the result runs. */
public final class RestoreActivitiesImpl implements RestoreActivities {

  /** WAL archived this long after the target is not needed to reach it. */
  static final Duration WAL_MARGIN = Duration.ofMinutes(1);

  /** Beside the directory: which restore owns it, and where an in-place restore moved the old. */
  private static final String MARKER = ".lifeboat-restore";

  private static final String ASIDE = "moved-aside: ";

  private static final String OWNER = "owner: ";

  /** What a replaced table that was not in the primary (dropped by mistake) is reported with. */
  static final String NOTHING_KEPT = "(nothing kept: it was not in the primary)";

  /** What a validation query that returns no row is reported as. */
  static final String NO_ROWS = "(no rows)";

  private static final DateTimeFormatter ASIDE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

  private static final DateTimeFormatter TARGET_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'");

  private final LifeboatConfig config;
  private final SecretResolver secrets;
  private final PgConnections connections;
  private final Clock clock;

  public RestoreActivitiesImpl(
      LifeboatConfig config, SecretResolver secrets, PgConnections connections, Clock clock) {
    this.config = config;
    this.secrets = secrets;
    this.connections = connections;
    this.clock = clock;
  }

  @Override
  public RestorePlan plan(RestoreRequest request) {
    ClusterSpec cluster =
        config
            .cluster(request.cluster())
            .orElseThrow(
                () ->
                    ApplicationFailure.newNonRetryableFailure(
                        "cluster '" + request.cluster() + "' is not in the worker's configuration",
                        ErrorTypes.UNKNOWN_CLUSTER));
    DestinationSettings destination = destination(request.destination());
    Instant target = parseTime(request.targetTime());
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      List<Manifest> backups = new ArrayList<>();
      for (String id : ManifestStore.listBackupIds(store, request.cluster())) {
        try {
          backups.add(ManifestStore.read(store, request.cluster(), id));
        } catch (ManifestException unusable) {
          // Not a backup to restore; verification reports it.
        }
      }
      backups.sort(Comparator.comparing(Manifest::stopTime));
      Manifest chosen = choose(request, destination, backups, target);
      if (target != null && target.isBefore(chosen.stopTime())) {
        throw noBackup(
            "target time "
                + target
                + " is before the end of backup "
                + chosen.backupId()
                + " ("
                + chosen.stopTime()
                + "): a backup can only be rolled forward; choose an earlier backup or a later"
                + " target");
      }
      if (request.targetLsn() != null && !request.targetLsn().isBlank()) {
        long lsn = parseLsn(request.targetLsn());
        if (Long.compareUnsigned(lsn, Lsn.parse(chosen.stopLsn())) < 0) {
          throw noBackup(
              "target LSN "
                  + request.targetLsn()
                  + " is before the end of backup "
                  + chosen.backupId()
                  + " ("
                  + chosen.stopLsn()
                  + ")");
        }
      }
      Instant archiveEnd = archiveEnd(store, request.cluster());
      if (target != null && (archiveEnd == null || target.isAfter(archiveEnd))) {
        throw noBackup(
            "target time "
                + target
                + " is after the end of the WAL archive in "
                + destination.name()
                + (archiveEnd == null
                    ? " (it has no archived WAL: run 'lifeboat archive start')"
                    : " (newest segment stored at " + archiveEnd + ")"));
      }
      List<String> chain = new ArrayList<>();
      for (Manifest link : BackupChain.of(store, chosen)) {
        chain.add(link.backupId());
      }
      return new RestorePlan(
          request.cluster(),
          chosen.backupId(),
          chain,
          destination.name(),
          chosen.stopLsn(),
          chosen.stopTime().toString(),
          archiveEnd == null ? null : archiveEnd.toString(),
          cluster.nodes().get(0));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot plan the restore of " + request.cluster() + ": " + e.getMessage(),
          ErrorTypes.STORE_OPERATION_FAILED);
    }
  }

  private Manifest choose(
      RestoreRequest request,
      DestinationSettings destination,
      List<Manifest> backups,
      Instant target) {
    if (backups.isEmpty()) {
      throw noBackup(
          "cluster " + request.cluster() + " has no sealed backup in " + destination.name());
    }
    if (request.backupId() != null && !request.backupId().isBlank()) {
      return backups.stream()
          .filter(b -> b.backupId().equals(request.backupId()))
          .findFirst()
          .orElseThrow(
              () ->
                  noBackup(
                      "backup "
                          + request.backupId()
                          + " has no sealed copy in "
                          + destination.name()
                          + "; 'lifeboat backup list' shows the backups"));
    }
    if (target == null) {
      return backups.get(backups.size() - 1);
    }
    Manifest chosen = null;
    for (Manifest backup : backups) {
      if (!backup.stopTime().isAfter(target)) {
        chosen = backup;
      }
    }
    if (chosen == null) {
      throw noBackup(
          "target time "
              + target
              + " is before the end of the oldest backup ("
              + backups.get(0).backupId()
              + ", finished "
              + backups.get(0).stopTime()
              + ")");
    }
    return chosen;
  }

  @Override
  public RestoreStep layOut(RestoreTask task) {
    RestoreRequest request = task.request();
    Path directory = Path.of(request.directory());
    Instant started = clock.instant();
    try (BackupStore store =
        DestinationStores.open(destination(task.plan().destination()), secrets)) {
      long raw = 0;
      long stored = 0;
      long objects = 0;
      for (String id : task.plan().chain()) {
        Manifest manifest = ManifestStore.read(store, request.cluster(), id);
        raw += manifest.rawBytes();
        stored += manifest.storedBytes();
        objects += manifest.objects().size();
      }
      java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
      String aside;
      try (Ticker ticker =
          new Ticker(Activity.getExecutionContext(), "laying out", written::get, raw)) {
        aside = claim(task);
        DataDirectoryRestorer.restore(
            store,
            request.cluster(),
            task.plan().backupId(),
            kek(),
            directory,
            WriteThrottle.of(written::set, config.restore().maxBytesPerSecond()),
            config.restore().writers());
      }
      return new RestoreStep(
          seconds(started),
          stored,
          objects,
          "laid out "
              + String.join(" -> ", task.plan().chain())
              + " into "
              + directory
              + (aside == null ? "" : " (its old contents moved aside to " + aside + ")"));
    } catch (ObjectIntegrityException | ManifestException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "backup " + task.plan().backupId() + ": " + e.getMessage(), ErrorTypes.RESTORE_FAILED);
    } catch (PgBinaries.MissingException e) {
      // A chain of block-level incrementals needs pg_combinebackup of its version here.
      throw ApplicationFailure.newNonRetryableFailure(
          "backup " + task.plan().backupId() + ": " + e.getMessage(), ErrorTypes.PG_TOOLS_MISSING);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("refusing to restore")) {
        throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), ErrorTypes.INVALID_REQUEST);
      }
      throw ApplicationFailure.newFailure(
          "laying out " + task.plan().backupId() + " failed: " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
  }

  /**
   * Marks the directory as this restore's before writing it, so a retry after a crash knows the
   * half-written directory is its own to remove, and never removes anyone else's. With {@code
   * inPlace}, a non-empty directory is first moved aside (and the marker says where, so a teardown
   * moves it back); the move comes before the marker, so a crash between the two leaves the old
   * directory aside and no claim on the new one, and the retry simply starts again.
   */
  private String claim(RestoreTask task) throws IOException {
    Path directory = Path.of(task.request().directory());
    Path marker = sibling(directory, MARKER);
    String aside = null;
    // A scratch directory is Lifeboat's own, so a claim left by an earlier test restore that died
    // is taken over; any other restore's directory is treated like any non-empty directory.
    if (ownedBy(marker, task) || (task.request().scratch() && Files.exists(marker))) {
      aside = movedAside(marker);
      new RestoredServer(directory, task.request().port()).stop();
      DataDirectoryRestorer.deleteTree(directory);
      DataDirectoryRestorer.deleteTree(stage(directory));
    }
    if (!DataDirectoryRestorer.isEmpty(directory)) {
      if (!task.request().inPlace()) {
        throw new IOException(
            "refusing to restore into "
                + directory
                + ": it is not empty; choose a new folder, or pass --in-place --force to move it"
                + " aside first");
      }
      Optional<Long> pid = RestoredServer.runningPid(directory);
      if (pid.isPresent()) {
        throw new IOException(
            "refusing to restore into "
                + directory
                + ": a PostgreSQL server (pid "
                + pid.get()
                + ") is running on it; stop it first (pg_ctl -D "
                + directory
                + " stop), then restore in place again");
      }
      Path target =
          sibling(
              directory,
              ".before-restore-" + ASIDE_TIME.format(clock.instant().atZone(ZoneOffset.UTC)));
      Files.move(directory, target, StandardCopyOption.ATOMIC_MOVE);
      aside = target.toString();
    }
    Files.createDirectories(directory.toAbsolutePath().getParent());
    Files.writeString(
        marker,
        "restore of "
            + task.plan().backupId()
            + " of "
            + task.request().cluster()
            + "\n"
            + (task.owner() == null ? "" : OWNER + task.owner() + "\n")
            + (aside == null ? "" : ASIDE + aside + "\n"),
        StandardCharsets.UTF_8);
    return aside;
  }

  /** Where a claim moved the old directory aside, or null. */
  private static String movedAside(Path marker) throws IOException {
    return markerLine(marker, ASIDE);
  }

  /**
   * Whether the claim marker is this restore's: it names the task's owner (a marker without an
   * owner, or a task without one, comes from before owners existed and is taken as its own).
   */
  private static boolean ownedBy(Path marker, RestoreTask task) throws IOException {
    if (!Files.exists(marker)) {
      return false;
    }
    String owner = markerLine(marker, OWNER);
    return owner == null || task.owner() == null || owner.equals(task.owner());
  }

  private static String markerLine(Path marker, String prefix) throws IOException {
    if (!Files.exists(marker)) {
      return null;
    }
    return Files.readAllLines(marker, StandardCharsets.UTF_8).stream()
        .filter(line -> line.startsWith(prefix))
        .map(line -> line.substring(prefix.length()))
        .findFirst()
        .orElse(null);
  }

  @Override
  public RestoreStep stageWal(RestoreTask task) {
    RestoreRequest request = task.request();
    Path directory = Path.of(request.directory());
    Path stage = stage(directory);
    Instant started = clock.instant();
    long bytes = 0;
    List<String> staged = new ArrayList<>();
    try (Ticker ticker = new Ticker(Activity.getExecutionContext(), "staging WAL")) {
      DataDirectoryRestorer.deleteTree(stage);
      Files.createDirectories(stage);
      if (!request.untilConsistent()) {
        try (BackupStore store =
            DestinationStores.open(destination(task.plan().destination()), secrets)) {
          KeyProvider kek = kek();
          Instant target = parseTime(request.targetTime());
          for (String name : walToStage(store, task, target)) {
            try (InputStream in = WalArchive.open(store, request.cluster(), name, kek)) {
              bytes += Files.copy(in, stage.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            staged.add(name);
          }
        }
      }
      writeRecoverySettings(task, directory, stage);
      RestoredServer.handOver(directory);
      RestoredServer.handOver(stage);
      return new RestoreStep(
          seconds(started),
          bytes,
          staged.size(),
          staged.isEmpty()
              ? "no archived WAL replayed"
              : "staged " + staged.get(0) + " .. " + staged.get(staged.size() - 1));
    } catch (ObjectIntegrityException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "archived WAL of " + request.cluster() + ": " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "staging WAL for " + task.plan().backupId() + " failed: " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
  }

  /**
   * The archived segments to replay: from the backup's stop segment on its timeline, every later
   * one, and the timeline history files; with a target time, up to the first segment stored well
   * after it (later WAL cannot be needed to reach it).
   */
  private List<String> walToStage(BackupStore store, RestoreTask task, Instant target)
      throws IOException {
    String cluster = task.request().cluster();
    List<String> names = new ArrayList<>(WalArchive.histories(store, cluster));
    long stopLsn = Lsn.parse(task.plan().backupStopLsn());
    for (String segment : WalArchive.segments(store, cluster)) {
      Optional<WalSeal> seal = WalArchive.seal(store, cluster, segment);
      if (seal.isEmpty()) {
        continue;
      }
      long size = seal.get().segmentSize();
      if (WalSegments.number(segment, size) < Long.divideUnsigned(stopLsn, size)) {
        continue;
      }
      names.add(segment);
      if (target != null && seal.get().archivedAt().isAfter(target.plus(WAL_MARGIN))) {
        break;
      }
    }
    return names;
  }

  private static void writeRecoverySettings(RestoreTask task, Path directory, Path stage)
      throws IOException {
    RestoreRequest request = task.request();
    List<String> lines = new ArrayList<>();
    lines.add("# Added by Lifeboat's restore of " + task.plan().backupId());
    lines.add("restore_command = 'cp \"" + stage + "/%f\" \"%p\"'");
    if (request.untilConsistent()) {
      lines.add("recovery_target = 'immediate'");
    }
    if (request.targetTime() != null && !request.targetTime().isBlank()) {
      // A numeric offset: PostgreSQL reads "Z" as a time zone abbreviation, which it refuses here.
      lines.add(
          "recovery_target_time = '"
              + TARGET_TIME.format(parseTime(request.targetTime()).atOffset(ZoneOffset.UTC))
              + "'");
    }
    if (request.targetLsn() != null && !request.targetLsn().isBlank()) {
      lines.add("recovery_target_lsn = '" + Lsn.format(parseLsn(request.targetLsn())) + "'");
    }
    lines.add(
        "recovery_target_action = '" + (request.promoteOrDefault() ? "promote" : "pause") + "'");
    Files.write(
        directory.resolve("postgresql.auto.conf"),
        lines,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Files.writeString(directory.resolve("recovery.signal"), "");
  }

  @Override
  public RecoveryOutcome recover(RestoreTask task) {
    RestoreRequest request = task.request();
    RestoredServer server = new RestoredServer(Path.of(request.directory()), request.port());
    ActivityExecutionContext context = Activity.getExecutionContext();
    Instant started = clock.instant();
    try {
      if (!server.running()) {
        server.start(
            List.of(
                "listen_addresses=127.0.0.1",
                "unix_socket_directories=''",
                "archive_mode=off",
                "synchronous_standby_names=''",
                "hot_standby=on",
                "cluster_name=" + request.cluster() + "-restore"));
      }
      long lastAliveCheck = 0;
      while (true) {
        context.heartbeat(new TransferProgress("recovering", 0, 0));
        Optional<RecoveryOutcome> outcome = probe(task, started);
        if (outcome.isPresent()) {
          return outcome.get();
        }
        long elapsed = Duration.between(started, clock.instant()).toMillis();
        // pg_ctl status is a process of its own: once a second is enough to notice a dead server.
        if (elapsed > 5_000 && elapsed - lastAliveCheck >= 1_000) {
          lastAliveCheck = elapsed;
          if (!server.running()) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the restored server on port "
                    + request.port()
                    + " stopped during recovery: "
                    + server.lastErrors(),
                ErrorTypes.RESTORE_FAILED);
          }
        }
        // Most restores reach their target within seconds, so poll closely at first; a long
        // replay is probed once a second, since every probe is a new connection.
        Thread.sleep(elapsed < 10_000 ? 100 : 1_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "interrupted while recovering", ErrorTypes.RESTORE_FAILED);
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the restored server did not start: " + e.getMessage() + " " + server.lastErrors(),
          ErrorTypes.RESTORE_FAILED);
    }
  }

  /** Where recovery stands, if it has reached its end; empty while it goes on. */
  private Optional<RecoveryOutcome> probe(RestoreTask task, Instant started) {
    try (Connection connection = connect(task);
        Statement sql = connection.createStatement();
        ResultSet row =
            sql.executeQuery(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                    + " pg_last_xact_replay_timestamp()::text,"
                    + " CASE WHEN pg_is_in_recovery() THEN pg_get_wal_replay_pause_state()"
                    + " ELSE 'not paused' END")) {
      row.next();
      boolean inRecovery = row.getBoolean(1);
      boolean paused = "paused".equals(row.getString(4));
      if (!inRecovery || paused) {
        return Optional.of(
            new RecoveryOutcome(seconds(started), row.getString(2), row.getString(3), !inRecovery));
      }
      return Optional.empty();
    } catch (SQLException notYet) {
      // Starting up or not yet consistent: connections are refused until then.
      return Optional.empty();
    }
  }

  @Override
  public ValidationOutcome validate(RestoreTask task) {
    Instant started = clock.instant();
    List<String> problems = new ArrayList<>();
    Map<String, Long> counts = new TreeMap<>();
    int indexes = 0;
    List<QueryCheck> checks = List.of();
    try (Connection connection = connect(task);
        Statement sql = connection.createStatement()) {
      connection.setNetworkTimeout(Executors.newSingleThreadExecutor(), 600_000);
      List<String> tables = new ArrayList<>();
      try (ResultSet rows =
          sql.executeQuery(
              "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog',"
                  + " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      for (String table : tables) {
        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
          count.next();
          counts.put(table, count.getLong(1));
        } catch (SQLException e) {
          problems.add("table " + table + " cannot be read: " + e.getMessage());
        }
      }
      compareWithBackups(task, counts, problems);
      boolean promoted;
      try (ResultSet row = sql.executeQuery("SELECT NOT pg_is_in_recovery()")) {
        row.next();
        promoted = row.getBoolean(1);
      }
      if (promoted) {
        indexes = checkIndexes(sql, problems);
      }
      checks = runQueries(connection, config.restore().validation(task.request().cluster()));
      for (QueryCheck check : checks) {
        if (!check.passed()) {
          problems.add(
              "validation query '"
                  + check.name()
                  + "' returned "
                  + check.actual()
                  + "; expected "
                  + check.expected());
        }
      }
    } catch (SQLException | IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot validate the restored server on port "
              + task.request().port()
              + ": "
              + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
    return new ValidationOutcome(seconds(started), counts, indexes, problems, checks);
  }

  /**
   * Runs the cluster's configured validation queries, each in a read-only transaction (a restored
   * server that keeps running must not be changed by its checks) with a statement timeout, and
   * compares the first column of the first row with the expected value. A query that fails is a
   * failed check, with the error as its actual value.
   */
  private static List<QueryCheck> runQueries(Connection connection, List<ValidationQuery> queries)
      throws SQLException {
    List<QueryCheck> checks = new ArrayList<>();
    if (queries.isEmpty()) {
      return checks;
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    connection.setReadOnly(true);
    try {
      for (ValidationQuery query : queries) {
        String actual;
        try (Statement sql = connection.createStatement()) {
          sql.execute("SET LOCAL statement_timeout = '10min'");
          try (ResultSet row = sql.executeQuery(query.sql())) {
            actual = row.next() ? firstColumn(row) : NO_ROWS;
          }
          connection.commit();
        } catch (SQLException e) {
          connection.rollback();
          actual = "an error: " + e.getMessage();
        }
        checks.add(
            new QueryCheck(
                query.name(), query.expect(), actual, query.expect().strip().equals(actual)));
      }
    } finally {
      connection.setReadOnly(false);
      connection.setAutoCommit(autoCommit);
    }
    return checks;
  }

  /** The first column as the text lifeboat.yaml would write it: true/false, null, digits. */
  private static String firstColumn(ResultSet row) throws SQLException {
    Object value = row.getObject(1);
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean bool) {
      return bool.toString();
    }
    return row.getString(1).strip();
  }

  /**
   * What the chain's manifests say the restored cluster must be: at the backup's end point, the row
   * counts the manifest recorded; and at any point, without pages a backup of the chain stored
   * although they failed checksum verification when it was taken (the restored cluster holds them
   * as the source's disk did, so it is not proven sound).
   */
  private void compareWithBackups(RestoreTask task, Map<String, Long> counts, List<String> problems)
      throws IOException {
    try (BackupStore store =
        DestinationStores.open(destination(task.plan().destination()), secrets)) {
      Manifest target = null;
      List<String> damaged = new ArrayList<>();
      for (String backupId : task.plan().chain()) {
        Manifest manifest = ManifestStore.read(store, task.request().cluster(), backupId);
        if (backupId.equals(task.plan().backupId())) {
          target = manifest;
        }
        PageChecksumReport pages = manifest.pageChecksums();
        if (pages != null && pages.failedPages() > 0) {
          damaged.add(
              "backup "
                  + backupId
                  + " holds "
                  + pages.failedPages()
                  + " data page(s) that failed checksum verification when it was taken ("
                  + pages.firstFailures()
                  + "): the restored cluster has them as the source's disk had them");
        }
      }
      if (task.request().untilConsistent()) {
        if (target == null) {
          target = ManifestStore.read(store, task.request().cluster(), task.plan().backupId());
        }
        for (Map.Entry<String, Long> expected : target.rowCounts().entrySet()) {
          Long actual = counts.get(expected.getKey());
          if (actual == null) {
            problems.add("table " + expected.getKey() + " is missing from the restored server");
          } else if (!actual.equals(expected.getValue())) {
            problems.add(
                "table "
                    + expected.getKey()
                    + " has "
                    + actual
                    + " rows; the manifest recorded "
                    + expected.getValue());
          }
        }
      }
      problems.addAll(damaged);
    }
  }

  /** {@code bt_index_check} on every B-tree index of user tables. */
  private static int checkIndexes(Statement sql, List<String> problems) throws SQLException {
    sql.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
    List<String> indexes = new ArrayList<>();
    try (ResultSet rows =
        sql.executeQuery(
            "SELECT format('%I.%I', n.nspname, i.relname) FROM pg_index x"
                + " JOIN pg_class i ON i.oid = x.indexrelid"
                + " JOIN pg_namespace n ON n.oid = i.relnamespace"
                + " JOIN pg_am a ON a.oid = i.relam"
                + " WHERE a.amname = 'btree' AND n.nspname NOT IN ('pg_catalog',"
                + " 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1")) {
      while (rows.next()) {
        indexes.add(rows.getString(1));
      }
    }
    for (String index : indexes) {
      try (ResultSet ignored =
          sql.executeQuery("SELECT bt_index_check('" + index.replace("'", "''") + "'::regclass)")) {
        // The check raises an error when the index is corrupt.
      } catch (SQLException e) {
        problems.add("index " + index + " fails amcheck: " + e.getMessage());
      }
    }
    return indexes.size();
  }

  @Override
  public Map<String, Long> copyTables(
      RestoreTask task, NodeSpec primary, List<String> tables, String schema) {
    String cluster = task.request().cluster();
    try (Connection live = connections.open(primary, cluster, "table-restore");
        Statement sql = live.createStatement()) {
      try (ResultSet exists =
          sql.executeQuery("SELECT 1 FROM pg_namespace WHERE nspname = '" + schema + "'")) {
        if (exists.next()) {
          throw ApplicationFailure.newNonRetryableFailure(
              "schema " + schema + " already exists in the primary; nothing was changed",
              ErrorTypes.INVALID_REQUEST);
        }
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure(
          "cannot reach the primary " + primary.name() + ": " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
    try (Connection scratch = connect(task);
        Statement sql = scratch.createStatement()) {
      sql.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
      for (String table : tables) {
        try (ResultSet found = sql.executeQuery("SELECT to_regclass('" + table + "')")) {
          found.next();
          if (found.getString(1) == null) {
            throw ApplicationFailure.newNonRetryableFailure(
                "table "
                    + table
                    + " does not exist in "
                    + task.plan().backupId()
                    + " at the target; nothing was changed in the primary",
                ErrorTypes.INVALID_REQUEST);
          }
        }
        // Foreign keys would tie the side copy to live rows that may have changed since.
        List<String> foreignKeys = new ArrayList<>();
        try (ResultSet keys =
            sql.executeQuery(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = '"
                    + table
                    + "'::regclass")) {
          while (keys.next()) {
            foreignKeys.add(keys.getString(1));
          }
        }
        for (String key : foreignKeys) {
          sql.execute("ALTER TABLE " + table + " DROP CONSTRAINT \"" + key + "\"");
        }
        sql.execute("ALTER TABLE " + table + " SET SCHEMA " + schema);
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure(
          "cannot prepare the tables on the restored server: " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
    Path dump = sibling(Path.of(task.request().directory()), ".dump");
    NodeSpec source = task.plan().sourceNode();
    String password =
        source.passwordSecret() == null
            ? null
            : secrets.resolve(source.passwordSecret(), "node " + source.name());
    try {
      runTool(
          List.of(
              PgTools.find("pg_dump").toString(),
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(task.request().port()),
              "-U",
              source.user(),
              "-d",
              source.database(),
              "-n",
              schema,
              "-Fc",
              "-f",
              dump.toString()),
          password);
      runTool(
          List.of(
              PgTools.find("pg_restore").toString(),
              "-h",
              primary.host(),
              "-p",
              Integer.toString(primary.port()),
              "-U",
              primary.user(),
              "-d",
              primary.database(),
              "--no-owner",
              "--single-transaction",
              dump.toString()),
          primary.passwordSecret() == null
              ? null
              : secrets.resolve(primary.passwordSecret(), "node " + primary.name()));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "copying " + tables + " into " + schema + " failed: " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    } finally {
      try {
        Files.deleteIfExists(dump);
      } catch (IOException ignored) {
        // A leftover dump is removed by the teardown of the scratch directory's siblings.
      }
    }
    Map<String, Long> rows = new TreeMap<>();
    try (Connection live = connections.open(primary, cluster, "table-restore");
        Statement sql = live.createStatement()) {
      for (String table : tables) {
        String copy = schema + "." + table.substring(table.indexOf('.') + 1);
        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + copy)) {
          count.next();
          rows.put(copy, count.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure(
          "cannot count the restored tables: " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
    return rows;
  }

  @Override
  public Map<String, String> replaceTables(
      RestoreTask task,
      NodeSpec primary,
      List<String> tables,
      String restoredSchema,
      String replacedSchema) {
    Map<String, String> replaced = new TreeMap<>();
    String cluster = task.request().cluster();
    try (Connection live = connections.open(primary, cluster, "table-replace")) {
      live.setAutoCommit(false);
      try (Statement sql = live.createStatement()) {
        // Waiting behind a long transaction would hold every later query of the table hostage.
        sql.execute("SET LOCAL lock_timeout = '30s'");
        List<String> refusals = new ArrayList<>();
        List<String> toSwap = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String table : tables) {
          String name = table.substring(table.indexOf('.') + 1);
          String kept = replacedSchema + "." + name;
          String copy = restoredSchema + "." + name;
          boolean copyThere = exists(sql, copy);
          if (!copyThere && (exists(sql, kept) || exists(sql, table))) {
            // copyTables made the copy, so an earlier attempt swapped it and its answer was lost.
            replaced.put(table, exists(sql, kept) ? kept : NOTHING_KEPT);
            continue;
          }
          if (!copyThere) {
            throw ApplicationFailure.newNonRetryableFailure(
                "the restored copy " + copy + " is not in the primary; nothing was replaced",
                ErrorTypes.INVALID_REQUEST);
          }
          if (!exists(sql, table)) {
            // Dropped by mistake: the copy simply takes its place (without the foreign keys
            // the scratch copy had to lose; add them back by hand).
            missing.add(table);
            continue;
          }
          sql.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
          refusals.addAll(referrers(sql, table));
          toSwap.add(table);
        }
        if (!refusals.isEmpty()) {
          throw ApplicationFailure.newNonRetryableFailure(
              String.join("; ", refusals)
                  + ": replacing would leave them pointing at the old table. Nothing was replaced;"
                  + " the restored copies are in schema "
                  + restoredSchema
                  + " to copy rows back from",
              ErrorTypes.INVALID_REQUEST);
        }
        for (String table : missing) {
          String name = table.substring(table.indexOf('.') + 1);
          sql.execute(
              "ALTER TABLE "
                  + restoredSchema
                  + "."
                  + name
                  + " SET SCHEMA "
                  + table.substring(0, table.indexOf('.')));
          replaced.put(table, NOTHING_KEPT);
        }
        if (!toSwap.isEmpty()) {
          sql.execute("CREATE SCHEMA IF NOT EXISTS " + replacedSchema);
        }
        for (String table : toSwap) {
          String schema = table.substring(0, table.indexOf('.'));
          String name = table.substring(table.indexOf('.') + 1);
          String kept = replacedSchema + "." + name;
          String copy = restoredSchema + "." + name;
          List<String> foreignKeys = new ArrayList<>();
          try (ResultSet keys =
              sql.executeQuery(
                  "SELECT format('ALTER TABLE %s ADD CONSTRAINT %I %s', '"
                      + table
                      + "', conname, pg_get_constraintdef(oid)) FROM pg_constraint"
                      + " WHERE contype = 'f' AND conrelid = '"
                      + table
                      + "'::regclass")) {
            while (keys.next()) {
              foreignKeys.add(keys.getString(1));
            }
          }
          String owner;
          try (ResultSet row =
              sql.executeQuery(
                  "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = '"
                      + table
                      + "'::regclass")) {
            row.next();
            owner = row.getString(1);
          }
          List<String> sequenced = sequencedColumns(sql, table);
          sql.execute("ALTER TABLE " + table + " SET SCHEMA " + replacedSchema);
          sql.execute("ALTER TABLE " + copy + " SET SCHEMA " + schema);
          for (String key : foreignKeys) {
            // The old table keeps its constraint of that name; the new one takes the same name.
            try (Statement add = live.createStatement()) {
              add.execute(key);
            } catch (SQLException e) {
              throw ApplicationFailure.newNonRetryableFailure(
                  "the restored rows of "
                      + table
                      + " break its foreign key ("
                      + e.getMessage()
                      + "): they refer to rows deleted since. Nothing was replaced; the restored"
                      + " copies are in schema "
                      + restoredSchema
                      + " to copy rows back from",
                  ErrorTypes.INVALID_REQUEST);
            }
          }
          sql.execute("ALTER TABLE " + table + " OWNER TO \"" + owner.replace("\"", "\"\"") + "\"");
          for (String column : sequenced) {
            String quoted = column.replace("'", "''");
            // Each table's own sequence moved with it: the kept one holds the live position.
            try (ResultSet seq =
                sql.executeQuery(
                    "SELECT pg_get_serial_sequence('"
                        + table
                        + "', '"
                        + quoted
                        + "'), pg_get_serial_sequence('"
                        + kept
                        + "', '"
                        + quoted
                        + "')")) {
              seq.next();
              String fresh = seq.getString(1);
              String old = seq.getString(2);
              if (fresh != null && old != null) {
                sql.execute(
                    "SELECT setval('"
                        + fresh
                        + "', greatest((SELECT last_value FROM "
                        + fresh
                        + "), (SELECT last_value FROM "
                        + old
                        + ")))");
              }
            }
          }
          replaced.put(table, kept);
        }
      }
      live.commit();
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure(
          "replacing "
              + tables
              + " in the primary failed (nothing was replaced): "
              + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
    // Emptied by the swap; anything else left in it stays for the operator.
    try (Connection live = connections.open(primary, cluster, "table-replace");
        Statement sql = live.createStatement()) {
      sql.execute("DROP SCHEMA IF EXISTS " + restoredSchema);
    } catch (SQLException notEmpty) {
      // Left in place: it still holds something the swap did not move.
    }
    return replaced;
  }

  private static boolean exists(Statement sql, String table) throws SQLException {
    try (ResultSet found = sql.executeQuery("SELECT to_regclass('" + table + "')")) {
      found.next();
      return found.getString(1) != null;
    }
  }

  /** What refers to a table from outside it: other tables' foreign keys, and views. */
  private static List<String> referrers(Statement sql, String table) throws SQLException {
    List<String> found = new ArrayList<>();
    try (ResultSet keys =
        sql.executeQuery(
            "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f'"
                + " AND confrelid = '"
                + table
                + "'::regclass AND conrelid <> confrelid ORDER BY 1, 2")) {
      while (keys.next()) {
        found.add(
            table
                + " is referred to by foreign key "
                + keys.getString(2)
                + " of "
                + keys.getString(1));
      }
    }
    try (ResultSet views =
        sql.executeQuery(
            "SELECT DISTINCT v.oid::regclass::text FROM pg_depend d"
                + " JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class"
                + " WHERE d.refobjid = '"
                + table
                + "'::regclass AND v.oid <> d.refobjid ORDER BY 1")) {
      while (views.next()) {
        found.add(table + " is used by view " + views.getString(1));
      }
    }
    return found;
  }

  /** The columns of a table backed by a sequence (identity or serial). */
  private static List<String> sequencedColumns(Statement sql, String table) throws SQLException {
    List<String> found = new ArrayList<>();
    try (ResultSet columns =
        sql.executeQuery(
            "SELECT attname, pg_get_serial_sequence('"
                + table
                + "', attname) FROM pg_attribute WHERE attrelid = '"
                + table
                + "'::regclass AND attnum > 0 AND NOT attisdropped")) {
      while (columns.next()) {
        if (columns.getString(2) != null) {
          found.add(columns.getString(1));
        }
      }
    }
    return found;
  }

  /** Runs pg_dump or pg_restore with the password in its environment, never on its command line. */
  private static void runTool(List<String> command, String password) throws IOException {
    RestoredServer.run(
        command,
        password == null ? Map.of() : Map.of("PGPASSWORD", password),
        (int) Duration.ofHours(6).toSeconds());
  }

  @Override
  public void recordProof(RestoreReport report) {
    RestorePlan plan = report.plan();
    try (BackupStore store = DestinationStores.open(destination(plan.destination()), secrets)) {
      ProofStamp.write(
          store,
          plan.cluster(),
          plan.backupId(),
          new ProofStamp(
              clock.instant(),
              report.totalSeconds(),
              report.layout().seconds(),
              report.recovery().seconds(),
              report.validation().rowCounts().size(),
              report.validation().indexesChecked()));
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot stamp backup " + plan.backupId() + " as proven: " + e.getMessage(),
          ErrorTypes.STORE_OPERATION_FAILED);
    }
  }

  @Override
  public void tearDown(RestoreTask task) {
    Path directory = Path.of(task.request().directory());
    Path marker = sibling(directory, MARKER);
    try {
      if (!ownedBy(marker, task)) {
        // No claim of ours: the layout never started writing (a refused non-empty target, a
        // failed plan), a teardown already ran, or the directory is another restore's result.
        return;
      }
      String aside = movedAside(marker);
      new RestoredServer(directory, task.request().port()).stop();
      DataDirectoryRestorer.deleteTree(directory);
      DataDirectoryRestorer.deleteTree(stage(directory));
      Files.deleteIfExists(sibling(directory, ".log"));
      Files.deleteIfExists(sibling(directory, ".dump"));
      if (aside != null && Files.exists(Path.of(aside))) {
        // An in-place restore that failed: the old directory goes back where it was.
        Files.move(Path.of(aside), directory, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.deleteIfExists(marker);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot tear down the restore in " + directory + ": " + e.getMessage(),
          ErrorTypes.RESTORE_FAILED + "Retryable");
    }
  }

  private Connection connect(RestoreTask task) throws SQLException {
    NodeSpec source = task.plan().sourceNode();
    NodeSpec restored =
        new NodeSpec(
            "restored",
            source.region(),
            0,
            0,
            "127.0.0.1",
            task.request().port(),
            source.database(),
            source.user(),
            source.passwordSecret());
    return connections.open(restored, task.request().cluster(), "restore");
  }

  /** The destination of that name, or the first configured one when none is named. */
  private DestinationSettings destination(String name) {
    if (name == null || name.isBlank()) {
      return config.requireBackup().destinations().get(0);
    }
    return DestinationStores.configured(config, name);
  }

  private KeyProvider kek() throws IOException {
    return KeyProviders.open(config.requireBackup().keys(), secrets);
  }

  private static Instant archiveEnd(BackupStore store, String cluster) throws IOException {
    List<String> segments = WalArchive.segments(store, cluster);
    for (int i = segments.size() - 1; i >= 0; i--) {
      Optional<WalSeal> seal = WalArchive.seal(store, cluster, segments.get(i));
      if (seal.isPresent()) {
        return seal.get().archivedAt();
      }
    }
    return null;
  }

  private static Instant parseTime(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target time '" + text + "' is not an ISO-8601 instant such as 2026-11-25T10:00:00Z",
          ErrorTypes.INVALID_REQUEST);
    }
  }

  private static long parseLsn(String text) {
    try {
      return Lsn.parse(text.strip());
    } catch (IllegalArgumentException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), ErrorTypes.INVALID_REQUEST);
    }
  }

  private static ApplicationFailure noBackup(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, ErrorTypes.NO_BACKUP_FOR_TARGET);
  }

  private static Path stage(Path directory) {
    return sibling(directory, ".wal");
  }

  private static Path sibling(Path directory, String suffix) {
    Path absolute = directory.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + suffix);
  }

  private double seconds(Instant since) {
    return Duration.between(since, clock.instant()).toMillis() / 1000.0;
  }

  /** Heartbeats every few seconds while a step without byte progress runs. */
  private static final class Ticker implements AutoCloseable {
    private final java.util.concurrent.ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "lifeboat-restore-heartbeat");
              t.setDaemon(true);
              return t;
            });

    Ticker(ActivityExecutionContext context, String phase) {
      this(context, phase, () -> 0, 0);
    }

    /** Heartbeats the bytes done so far against an estimated total. */
    Ticker(
        ActivityExecutionContext context,
        String phase,
        java.util.function.LongSupplier done,
        long estimated) {
      timer.scheduleAtFixedRate(
          () -> {
            try {
              context.heartbeat(new TransferProgress(phase, done.getAsLong(), estimated));
            } catch (RuntimeException cancelledOrGone) {
              // The activity's own thread learns of a cancellation at its next step.
            }
          },
          0,
          5,
          TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
