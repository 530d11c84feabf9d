package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.lifeboat.activities.manifest.ProofStamp;
import dev.lifeboat.activities.postgres.PgTools;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.archive.WalArchiverWorkflow;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.QueryCheck;
import dev.lifeboat.workflows.model.RandomTestRestoreRequest;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreResult;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalArchiverRequest;
import dev.lifeboat.workflows.restore.RandomTestRestoreWorkflow;
import dev.lifeboat.workflows.restore.RestoreWorkflow;
import dev.lifeboat.workflows.restore.TableRestoreWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RestoreWorkflow on the real stack: point-in-time recovery through the WAL archive, a restore
 * proven against the manifest's row counts, and a corrupted object that stops a restore and leaves
 * nothing behind.
 */
class RestoreWorkflowIT {

  private static final String SLOT = "lifeboat_archiver_shop_restore_it";

  @TempDir Path dir;
  private InProcessStack stack;
  private Map<String, String> env;
  private LifeboatConfig config;
  private WorkflowClient client;
  private final List<Path> restored = new ArrayList<>();

  @BeforeEach
  void startWorkers() {
    stack = new InProcessStack(dir);
    env = stack.env;
    config = stack.config;
    client = stack.client;
  }

  @AfterEach
  void stopEverything() throws Exception {
    try {
      for (Path directory : restored) {
        stopAndRemove(directory);
      }
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        sql.execute(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = '"
                + SLOT
                + "' AND NOT active");
      }
    } finally {
      stack.close();
    }
  }

  @Test
  void aRestoreToAMarkedTimeHasTheMarkedRowAndNoLaterOneAndTheEndHasAll() throws Exception {
    String archiverId = "wal-archiver-shop-restore-it-" + UUID.randomUUID();
    WalArchiverWorkflow archiver =
        client.newWorkflowStub(
            WalArchiverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(archiverId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(20))
                .build());
    WorkflowClient.start(
        archiver::archive, new WalArchiverRequest("shop", SLOT, 120, 0, 3, 0, null));
    WalArchiverWorkflow running = client.newWorkflowStub(WalArchiverWorkflow.class, archiverId);
    try {
      awaitStatus(running, s -> "archiving".equals(s.phase()), Duration.ofSeconds(90));
      BackupResult full = backup(BackupRequest.FULL, null);

      String marked = "restore-it-marked-" + UUID.randomUUID();
      String later = "restore-it-later-" + UUID.randomUUID();
      String last = "restore-it-last-" + UUID.randomUUID();
      insertAlert(marked);
      String markedTime = serverNow();
      Thread.sleep(1500);
      insertAlert(later);
      BackupResult incremental = backup(BackupRequest.INCREMENTAL, full.backupId());
      insertAlert(last);
      String switched = switchWal();
      awaitStatus(
          running,
          s -> s.lastLsn() != null && compareLsn(s.lastLsn(), switched) >= 0,
          Duration.ofMinutes(3));

      RestoreReport atMark = restore(markedTime, false);
      assertThat(atMark.plan().backupId()).isEqualTo(full.backupId());
      assertThat(atMark.wal().count()).as("archived segments replayed").isPositive();
      assertThat(countAlerts(atMark, marked)).as("the marked row").isEqualTo(1);
      assertThat(countAlerts(atMark, later)).as("a row written after the mark").isZero();
      assertThat(atMark.validation().problems()).isEmpty();
      assertThat(atMark.validation().indexesChecked()).isPositive();

      RestoreReport atEnd = restore(null, false);
      assertThat(atEnd.plan().chain()).containsExactly(full.backupId(), incremental.backupId());
      assertThat(countAlerts(atEnd, marked)).isEqualTo(1);
      assertThat(countAlerts(atEnd, later)).isEqualTo(1);
      assertThat(countAlerts(atEnd, last)).as("the row written after the incremental").isEqualTo(1);

      // The weekly random test restore: the only older backup is the full, restored to a random
      // time between its end and the incremental's, through the archive, proven and torn down.
      Path randomScratch = Path.of("/var/tmp", "lifeboat-it-random-" + UUID.randomUUID());
      restored.add(randomScratch);
      RestoreReport random =
          client
              .newWorkflowStub(
                  RandomTestRestoreWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("restore-test-random-shop-it-" + UUID.randomUUID())
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                      .build())
              .restore(
                  new RandomTestRestoreRequest(
                      "shop", "nas", randomScratch.toString(), freePort()));
      assertThat(random.plan().backupId()).isEqualTo(full.backupId());
      assertThat(random.wal().count()).as("archived segments replayed").isPositive();
      assertThat(random.proven()).as(random.validation().problems().toString()).isTrue();
      assertThat(randomScratch).doesNotExist();
      try (BackupStore nas = stack.store("nas")) {
        assertThat(ProofStamp.read(nas, "shop", full.backupId())).isPresent();
      }
    } finally {
      running.stop(true);
    }
  }

  @Test
  void aRestoreToTheBackupsEndPointMatchesTheManifestsRowCounts() throws Exception {
    BackupResult full = backup(BackupRequest.FULL, null);

    Path scratch = Path.of("/var/tmp", "lifeboat-it-proof-" + UUID.randomUUID());
    restored.add(scratch);
    RestoreReport report =
        run(RestoreRequest.proof("shop", full.backupId(), "nas", scratch.toString(), freePort()));

    assertThat(report.proven()).as(report.validation().problems().toString()).isTrue();
    assertThat(report.validation().rowCounts()).containsKeys("public.listings", "public.alerts");
    assertThat(report.layout().bytes()).isPositive();
    assertThat(report.recovery().promoted()).isTrue();
    // A test restore cleans up after itself and stamps the backup.
    assertThat(scratch).doesNotExist();
    try (BackupStore nas = stack.store("nas")) {
      assertThat(ProofStamp.read(nas, "shop", full.backupId()))
          .hasValueSatisfying(p -> assertThat(p.indexesChecked()).isPositive());
    }
  }

  @Test
  void everyDestinationTypeRestoresAProvenCluster() throws Exception {
    List<String> all = List.of("s3", "gcs", "azure", "nas");
    BackupResult full =
        client
            .newWorkflowStub(
                BackupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("backup-shop-it-restore-all-" + UUID.randomUUID())
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                    .build())
            .backup(new BackupRequest("shop", BackupRequest.FULL, null, all, 0, "files", null));
    assertThat(full.completeCopies()).isEqualTo(4);

    for (String destination : all) {
      Path scratch =
          Path.of("/var/tmp", "lifeboat-it-proof-" + destination + "-" + UUID.randomUUID());
      restored.add(scratch);
      RestoreReport report =
          run(
              RestoreRequest.proof(
                  "shop", full.backupId(), destination, scratch.toString(), freePort()));
      assertThat(report.plan().destination()).isEqualTo(destination);
      assertThat(report.proven())
          .as("restore from %s: %s", destination, report.validation().problems())
          .isTrue();
    }
  }

  @Test
  void aTableDeletedByMistakeComesBackBesideTheLiveOneAsOfTheBackup() throws Exception {
    BackupResult full = backup(BackupRequest.FULL, null);
    long before;
    try (Connection connection = primary();
        Statement sql = connection.createStatement();
        ResultSet count = sql.executeQuery("SELECT count(*) FROM alerts")) {
      count.next();
      before = count.getLong(1);
    }
    String schema = null;
    try {
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        // The accident: a DELETE without the WHERE clause it needed, inside a transaction we undo
        // at the end so the stack's data stays as it was.
        sql.executeUpdate("CREATE TABLE restore_it_alerts_backup AS TABLE alerts");
        sql.executeUpdate(
            "DELETE FROM alerts WHERE id % 2 = 0 AND criteria NOT LIKE 'restore-it-%'");
      }
      Path scratch = Path.of("/var/tmp", "lifeboat-it-table-" + UUID.randomUUID());
      restored.add(scratch);
      TableRestoreResult result =
          client
              .newWorkflowStub(
                  TableRestoreWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("table-restore-it-" + UUID.randomUUID())
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                      .build())
              .restoreTables(
                  new TableRestoreRequest(
                      "shop",
                      List.of("public.alerts"),
                      null,
                      full.backupId(),
                      "nas",
                      scratch.toString(),
                      freePort()));
      schema = result.schema();

      assertThat(result.rows()).containsEntry(schema + ".alerts", before);
      assertThat(scratch).as("the scratch restore is torn down").doesNotExist();
      try (Connection connection = primary();
          Statement sql = connection.createStatement();
          ResultSet live = sql.executeQuery("SELECT count(*) FROM alerts")) {
        live.next();
        assertThat(live.getLong(1)).as("the live table is untouched").isLessThan(before);
      }
    } finally {
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        if (schema != null) {
          sql.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        sql.executeUpdate(
            "INSERT INTO alerts SELECT * FROM restore_it_alerts_backup b"
                + " WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.id = b.id)");
        sql.execute("DROP TABLE IF EXISTS restore_it_alerts_backup");
      }
    }
  }

  @Test
  void aConfirmedTableReplaceSwapsTheRestoredTableInAndKeepsTheOldOne() throws Exception {
    // Tables of this test's own, so the shared shop tables are never swapped.
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String parent = "restore_it_parent_" + suffix;
    String child = "restore_it_child_" + suffix;
    try {
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        sql.execute(
            "CREATE TABLE "
                + parent
                + " (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
                + " user_id bigint NOT NULL REFERENCES users (id), note text)");
        sql.execute(
            "INSERT INTO "
                + parent
                + " (user_id, note) SELECT (SELECT min(id) FROM users), 'row ' || g"
                + " FROM generate_series(1, 100) g");
        sql.execute(
            "CREATE TABLE "
                + child
                + " (id int PRIMARY KEY, parent_id bigint REFERENCES "
                + parent
                + ")");
      }
      BackupResult full = backup(BackupRequest.FULL, null);
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        sql.execute("DELETE FROM " + parent + " WHERE id > 50");
        sql.execute(
            "INSERT INTO " + parent + " (user_id, note) SELECT min(id), 'after' FROM users");
      }

      // Another table's foreign key points at it: swapping would leave that key on the old one.
      assertThatThrownBy(() -> replace(full.backupId(), "public." + parent))
          .rootCause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f ->
                  assertThat(f.getOriginalMessage())
                      .contains("public." + parent + " is referred to by foreign key")
                      .contains(child)
                      .contains("Nothing was replaced"));
      assertThat(count("public." + parent)).isEqualTo(51);

      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        sql.execute("DROP TABLE " + child);
      }
      TableRestoreResult result = replace(full.backupId(), "public." + parent);

      String kept = result.replaced().get("public." + parent);
      assertThat(kept).startsWith("lifeboat_replaced_").endsWith("." + parent);
      assertThat(count("public." + parent)).as("the live table is the backup's").isEqualTo(100);
      assertThat(count(kept)).as("the old table, kept").isEqualTo(51);
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        try (ResultSet keys =
            sql.executeQuery(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'public."
                    + parent
                    + "'::regclass")) {
          keys.next();
          assertThat(keys.getLong(1)).as("its foreign key to users is back").isEqualTo(1);
        }
        try (ResultSet next =
            sql.executeQuery(
                "INSERT INTO "
                    + parent
                    + " (user_id, note) SELECT min(id), 'new' FROM users RETURNING id")) {
          next.next();
          assertThat(next.getLong(1)).as("no id handed out since the backup again").isEqualTo(102);
        }
      }
    } finally {
      try (Connection connection = primary();
          Statement sql = connection.createStatement()) {
        List<String> schemas = new ArrayList<>();
        try (ResultSet rows =
            sql.executeQuery(
                "SELECT DISTINCT n.nspname FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE c.relname = '"
                    + parent
                    + "' AND n.nspname LIKE 'lifeboat_re%'")) {
          while (rows.next()) {
            schemas.add(rows.getString(1));
          }
        }
        for (String schema : schemas) {
          sql.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        sql.execute("DROP TABLE IF EXISTS " + child);
        sql.execute("DROP TABLE IF EXISTS " + parent);
      }
    }
  }

  private TableRestoreResult replace(String backupId, String table) throws Exception {
    Path scratch = Path.of("/var/tmp", "lifeboat-it-table-" + UUID.randomUUID());
    restored.add(scratch);
    return client
        .newWorkflowStub(
            TableRestoreWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("table-restore-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .restoreTables(
            new TableRestoreRequest(
                "shop",
                List.of(table),
                null,
                backupId,
                "nas",
                scratch.toString(),
                freePort(),
                true,
                List.of(table)));
  }

  private long count(String table) throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement();
        ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
      count.next();
      return count.getLong(1);
    }
  }

  @Test
  void aFlippedByteStopsTheRestoreNamingTheObjectAndLeavesNothing() throws Exception {
    BackupResult full = backup(BackupRequest.FULL, null);
    Path victim = flipAByteOfTheFirstBundle(full.backupId());
    Path target = Path.of("/var/tmp", "lifeboat-it-restore-" + UUID.randomUUID());
    restored.add(target);

    assertThatThrownBy(
            () ->
                run(
                    new RestoreRequest(
                        "shop",
                        full.backupId(),
                        null,
                        null,
                        true,
                        "nas",
                        target.toString(),
                        freePort(),
                        null,
                        null,
                        false)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ErrorTypes.RESTORE_FAILED);
              assertThat(f.getOriginalMessage())
                  .contains(full.backupId())
                  .contains(victim.getFileName().toString())
                  .contains("cleaned up");
            });
    assertThat(target).doesNotExist();
    assertThat(target.resolveSibling(target.getFileName() + ".wal")).doesNotExist();
  }

  @Test
  void aFailingValidationQueryFailsTheTestRestoreWithItsValuesAndItIsStillTornDown()
      throws Exception {
    String yaml = Files.readString(RealStack.ROOT.resolve("lifeboat.yaml"));
    int section = yaml.indexOf("\nrestore:");
    Path configFile = dir.resolve("lifeboat-queries.yaml");
    Files.writeString(
        configFile,
        (section < 0 ? yaml : yaml.substring(0, section))
            + """

            restore:
              validation:
                shop:
                  - name: users are there
                    sql: SELECT count(*) > 0 FROM users
                    expect: true
                  - name: no alerts at all
                    sql: SELECT count(*) FROM alerts
                    expect: 0
                  - name: a table that never existed
                    sql: SELECT count(*) FROM no_such_table
                    expect: 0
            """);
    stack.close();
    stack = new InProcessStack(dir, configFile);
    config = stack.config;
    client = stack.client;
    BackupResult full = backup(BackupRequest.FULL, null);

    Path scratch = Path.of("/var/tmp", "lifeboat-it-queries-" + UUID.randomUUID());
    restored.add(scratch);
    RestoreReport report =
        run(RestoreRequest.proof("shop", full.backupId(), "nas", scratch.toString(), freePort()));

    assertThat(report.proven()).isFalse();
    assertThat(report.validation().queries())
        .extracting(QueryCheck::name, QueryCheck::passed)
        .containsExactly(
            tuple("users are there", true),
            tuple("no alerts at all", false),
            tuple("a table that never existed", false));
    long alerts = report.validation().rowCounts().get("public.alerts");
    assertThat(report.validation().queries().get(1).actual()).isEqualTo(Long.toString(alerts));
    assertThat(report.validation().problems())
        .contains("validation query 'no alerts at all' returned " + alerts + "; expected 0")
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("validation query 'a table that never existed' returned an error")
                    .contains("no_such_table"));
    // The row counts matched the manifest: only the queries failed.
    assertThat(report.validation().problems()).allMatch(p -> p.startsWith("validation query"));
    // Torn down although validation failed, and not stamped.
    assertThat(scratch).doesNotExist();
    assertThat(Path.of(scratch + ".wal")).doesNotExist();
    try (BackupStore nas = stack.store("nas")) {
      assertThat(ProofStamp.read(nas, "shop", full.backupId())).isEmpty();
    }
  }

  @Test
  void aNonEmptyTargetIsRefusedAndKeptUnlessInPlaceMovesItAside() throws Exception {
    BackupResult full = backup(BackupRequest.FULL, null);
    Path target = Path.of("/var/tmp", "lifeboat-it-in-place-" + UUID.randomUUID());
    restored.add(target);
    Files.createDirectories(target);
    Files.writeString(target.resolve("PG_VERSION"), "15\n");
    Files.writeString(target.resolve("precious"), "the old cluster's data\n");

    assertThatThrownBy(() -> run(inPlace(full.backupId(), target, false)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f ->
                assertThat(f.getOriginalMessage())
                    .contains("refusing to restore into " + target + ": it is not empty")
                    .contains("--in-place --force"));
    assertThat(target.resolve("precious")).as("a refused target is left as it was").exists();

    RestoreReport report = run(inPlace(full.backupId(), target, true));

    assertThat(report.proven()).as(report.validation().problems().toString()).isTrue();
    assertThat(target.resolve("precious")).doesNotExist();
    assertThat(target.resolve("global/pg_control")).exists();
    Path aside;
    try (Stream<Path> siblings = Files.list(target.getParent())) {
      aside =
          siblings
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .startsWith(target.getFileName() + ".before-restore-"))
              .findFirst()
              .orElseThrow();
    }
    restored.add(aside);
    assertThat(aside.resolve("precious")).hasContent("the old cluster's data");
    assertThat(report.layout().detail()).contains("moved aside to " + aside);
  }

  @Test
  void aSecondRestoreIntoTheFirstOnesDirectoryIsRefusedAndLeavesItRunning() throws Exception {
    BackupResult full = backup(BackupRequest.FULL, null);
    Path target = Path.of("/var/tmp", "lifeboat-it-twice-" + UUID.randomUUID());
    restored.add(target);
    RestoreReport first = run(inPlace(full.backupId(), target, false));
    assertThat(first.proven()).as(first.validation().problems().toString()).isTrue();

    // The first restore's claim marker is still beside its directory: it is not the second's.
    assertThatThrownBy(() -> run(inPlace(full.backupId(), target, false)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f ->
                assertThat(f.getOriginalMessage())
                    .contains("refusing to restore into " + target + ": it is not empty"));

    assertThat(target.resolve("global/pg_control")).exists();
    assertThat(countAlerts(first, "no such criteria"))
        .as("the first server still answers")
        .isZero();
  }

  @Test
  void aFailedInPlaceRestorePutsTheOldDirectoryBack() throws Exception {
    BackupResult full = backup(BackupRequest.FULL, null);
    flipAByteOfTheFirstBundle(full.backupId());
    Path target = Path.of("/var/tmp", "lifeboat-it-in-place-" + UUID.randomUUID());
    restored.add(target);
    Files.createDirectories(target);
    Files.writeString(target.resolve("precious"), "the old cluster's data\n");

    assertThatThrownBy(() -> run(inPlace(full.backupId(), target, true)))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getOriginalMessage()).contains("cleaned up"));

    assertThat(target.resolve("precious")).hasContent("the old cluster's data");
    try (Stream<Path> entries = Files.list(target)) {
      assertThat(entries).as("nothing of the failed restore").hasSize(1);
    }
    try (Stream<Path> siblings = Files.list(target.getParent())) {
      assertThat(siblings)
          .as("no directory left aside, no marker")
          .noneMatch(p -> p.getFileName().toString().startsWith(target.getFileName() + "."));
    }
  }

  private static RestoreRequest inPlace(String backupId, Path target, boolean inPlace)
      throws Exception {
    return new RestoreRequest(
        "shop",
        backupId,
        null,
        null,
        true,
        "nas",
        target.toString(),
        freePort(),
        null,
        null,
        false,
        false,
        inPlace);
  }

  /** Flips one byte of the backup's first bundle in the NAS copy; returns the bundle. */
  private Path flipAByteOfTheFirstBundle(String backupId) throws Exception {
    Path objects = dir.resolve("nas/shop/shop/" + backupId + "/data/bundles");
    Path victim;
    try (Stream<Path> files = Files.list(objects)) {
      victim = files.sorted().findFirst().orElseThrow();
    }
    try (FileChannel channel =
        FileChannel.open(victim, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
      channel.read(one, 100);
      one.put(0, (byte) (one.get(0) ^ 0x40));
      one.rewind();
      channel.write(one, 100);
    }
    return victim;
  }

  private BackupResult backup(String type, String parent) {
    return client
        .newWorkflowStub(
            BackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("backup-shop-it-restore-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .backup(new BackupRequest("shop", type, null, List.of("nas"), 0, "files", parent));
  }

  private RestoreReport restore(String targetTime, boolean untilConsistent) throws Exception {
    Path target = Path.of("/var/tmp", "lifeboat-it-restore-" + UUID.randomUUID());
    restored.add(target);
    return run(
        new RestoreRequest(
            "shop",
            null,
            targetTime,
            null,
            untilConsistent,
            "nas",
            target.toString(),
            freePort(),
            null,
            null,
            false));
  }

  private RestoreReport run(RestoreRequest request) {
    return client
        .newWorkflowStub(
            RestoreWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("restore-shop-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .restore(request);
  }

  private long countAlerts(RestoreReport report, String criteria) throws Exception {
    NodeSpec source = report.plan().sourceNode();
    NodeSpec node =
        new NodeSpec(
            "restored",
            source.region(),
            0,
            0,
            "127.0.0.1",
            report.port(),
            source.database(),
            source.user(),
            source.passwordSecret());
    try (Connection connection = RealStack.connect(config, node);
        Statement sql = connection.createStatement();
        ResultSet count =
            sql.executeQuery("SELECT count(*) FROM alerts WHERE criteria = '" + criteria + "'")) {
      count.next();
      return count.getLong(1);
    }
  }

  private Connection primary() throws Exception {
    return RealStack.connect(config, config.cluster("shop").orElseThrow().nodes().get(0));
  }

  private void insertAlert(String criteria) throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      sql.executeUpdate(
          "INSERT INTO alerts (user_id, kind, criteria, frequency) SELECT id, 'price_drop', '"
              + criteria
              + "', 'daily' FROM users ORDER BY id LIMIT 1");
    }
  }

  private String serverNow() throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement();
        ResultSet now =
            sql.executeQuery(
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")) {
      now.next();
      return now.getString(1);
    }
  }

  private String switchWal() throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement();
        ResultSet lsn = sql.executeQuery("SELECT pg_switch_wal()::text")) {
      lsn.next();
      return lsn.getString(1);
    }
  }

  private static int compareLsn(String a, String b) {
    return Long.compareUnsigned(
        dev.lifeboat.workflows.model.Lsn.parse(a), dev.lifeboat.workflows.model.Lsn.parse(b));
  }

  private static WalArchiveStatus awaitStatus(
      WalArchiverWorkflow archiver,
      java.util.function.Predicate<WalArchiveStatus> condition,
      Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    WalArchiveStatus status = archiver.status();
    while (!condition.test(status)) {
      assertThat(System.nanoTime())
          .as("archiver status %s within %s", status, timeout)
          .isLessThan(deadline);
      Thread.sleep(500);
      status = archiver.status();
    }
    return status;
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  static void stopAndRemove(Path directory) throws Exception {
    if (Files.exists(directory.resolve("postmaster.pid"))) {
      new ProcessBuilder(
              "runuser",
              "-u",
              "postgres",
              "--",
              PgTools.find("pg_ctl").toString(),
              "-D",
              directory.toString(),
              "-m",
              "immediate",
              "stop")
          .redirectErrorStream(true)
          .start()
          .waitFor(60, TimeUnit.SECONDS);
    }
    for (String suffix : List.of("", ".wal", ".log", ".lifeboat-restore")) {
      new ProcessBuilder("rm", "-rf", directory + suffix).start().waitFor(60, TimeUnit.SECONDS);
    }
  }
}
