package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lifeboat.activities.postgres.PgBinaries;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.backup.VerifyBackupWorkflow;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.model.VerificationSummary;
import dev.lifeboat.workflows.restore.RestoreWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block-level stream incrementals ({@code pg_basebackup --incremental}) against a real PostgreSQL
 * 18 primary of the test's own, and the refusals of servers that cannot give one. PostgreSQL 18
 * comes from {@code scripts/install.sh pg18} (.tools/pg18), which {@code ./lifeboat test} runs
 * through the stack's install; PostgreSQL 15 is the stack's Debian package.
 */
class StreamIncrementalIT {

  private static final List<String> DESTINATIONS = List.of("nas", "nas2");

  private static final long ACCOUNTS = 400_000;

  /** About 3% of the accounts, next to each other: about 3% of the table's pages change. */
  private static final long UPDATED = 12_000;

  @TempDir Path dir;

  @Test
  void aPostgres18IncrementalStoresLittleAndItsCombinedChainHasEveryRow() throws Exception {
    Path bin = binaries(18);
    try (ThrowawayServer primary =
            ThrowawayServer.start(bin, "pg18", Map.of("summarize_wal", "on"));
        InProcessStack stack = stack("pg18", primary)) {
      try (Connection connection = primary.connect("shop");
          Statement sql = connection.createStatement()) {
        sql.execute(
            "CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance bigint"
                + " NOT NULL, note text)");
        sql.execute(
            "INSERT INTO accounts SELECT g, 'owner ' || g, 100, md5(g::text) FROM"
                + " generate_series(1, "
                + ACCOUNTS
                + ") g");
        sql.execute("CREATE TABLE events (id serial PRIMARY KEY, what text NOT NULL)");
        sql.execute(
            "INSERT INTO events (what) SELECT 'before the full' FROM generate_series(1, 50)");
        sql.execute("VACUUM ANALYZE");
      }

      BackupResult full =
          backup(
              stack.client,
              new BackupRequest("pg18", "full", null, DESTINATIONS, 0, "stream", null));
      assertThat(full.method()).isEqualTo("stream");
      assertThat(full.completeCopies()).isEqualTo(2);

      Map<String, Object> expected = new LinkedHashMap<>();
      try (Connection connection = primary.connect("shop");
          Statement sql = connection.createStatement()) {
        sql.executeUpdate(
            "UPDATE accounts SET balance = balance + 7, note = 'after the full' WHERE id <= "
                + UPDATED);
        sql.executeUpdate(
            "INSERT INTO events (what) SELECT 'after the full' FROM generate_series(1, 25)");
        expected.putAll(facts(sql));
      }

      BackupResult incremental =
          backup(
              stack.client,
              new BackupRequest(
                  "pg18", "incremental", null, DESTINATIONS, 0, "stream", full.backupId()));
      assertThat(incremental.parentId()).isEqualTo(full.backupId());
      assertThat(incremental.method()).isEqualTo("stream");
      assertThat(incremental.completeCopies()).isEqualTo(2);
      report("stream full", full);
      report("block-level incremental", incremental);
      assertThat(incremental.shareOfFull())
          .as("stored size of the incremental as a share of the full's")
          .isGreaterThan(0)
          .isLessThan(0.25);

      // A stream incremental is a parent too: the next one builds on the newest backup.
      try (Connection connection = primary.connect("shop");
          Statement sql = connection.createStatement()) {
        sql.executeUpdate("UPDATE accounts SET owner = 'moved' WHERE id > " + (ACCOUNTS - 100));
        sql.executeUpdate("INSERT INTO events (what) VALUES ('after the first incremental')");
        expected.clear();
        expected.putAll(facts(sql));
      }
      // Backup ids have one-second resolution: the next backup must not start in the same second.
      Thread.sleep(1100);
      BackupResult second =
          backup(
              stack.client,
              new BackupRequest("pg18", "incremental", null, DESTINATIONS, 0, "stream", null));
      assertThat(second.parentId()).isEqualTo(incremental.backupId());
      report("second block-level incremental", second);
      assertThat(second.shareOfFull()).isLessThan(incremental.shareOfFull());
      for (String backupId : List.of(full.backupId(), incremental.backupId(), second.backupId())) {
        assertThat(verify(stack.client, backupId))
            .hasSize(2)
            .allSatisfy(v -> assertThat(v.intact()).as(v.problems().toString()).isTrue());
      }

      // The restore leaves its log, WAL stage and marker beside the directory: one folder for all.
      // The server user writes the log there.
      Path restored = ThrowawayServer.folderOfServerUser(Path.of(primary.dir + "-restored"));
      Path target = restored.resolve("data");
      int port = ThrowawayServer.freePort();
      try {
        RestoreReport report =
            restore(
                stack.client,
                new RestoreRequest(
                    "pg18",
                    second.backupId(),
                    null,
                    null,
                    true,
                    "nas2",
                    target.toString(),
                    port,
                    null,
                    null,
                    false,
                    false,
                    false));
        assertThat(report.plan().chain())
            .containsExactly(full.backupId(), incremental.backupId(), second.backupId());
        assertThat(report.proven()).as(report.validation().problems().toString()).isTrue();
        assertThat(report.validation().rowCounts())
            .containsEntry("public.accounts", ACCOUNTS)
            .containsEntry("public.events", 76L);
        assertThat(Files.exists(target.resolveSibling("." + target.getFileName() + ".layers")))
            .as("the unpacked layers are removed")
            .isFalse();
        try (Connection connection = ThrowawayServer.connect(port, "shop", primary.password);
            Statement sql = connection.createStatement()) {
          assertThat(facts(sql)).isEqualTo(expected);
        }
      } finally {
        primary.stop(target);
        ScratchRestore.run("rm", "-rf", restored.toString());
      }
    }
  }

  @Test
  void postgres15RefusesAStreamIncrementalAndSaysToUseTheFilesSource() throws Exception {
    Path bin = binaries(15);
    try (ThrowawayServer server = ThrowawayServer.start(bin, "pg15", Map.of());
        InProcessStack stack = stack("pg15", server)) {
      assertThatThrownBy(
              () ->
                  backup(
                      stack.client,
                      new BackupRequest(
                          "pg15",
                          "incremental",
                          null,
                          List.of("nas"),
                          0,
                          "stream",
                          "20260101T000000Z-full")))
          .rootCause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED);
                assertThat(f.getOriginalMessage())
                    .contains("runs PostgreSQL 15.")
                    .contains("need PostgreSQL 17 or newer")
                    .contains("use --source files");
              });
    }
  }

  @Test
  void postgres18WithoutWalSummariesIsToldTheSettingToChange() throws Exception {
    Path bin = binaries(18);
    try (ThrowawayServer server =
            ThrowawayServer.start(bin, "pg18-nosummary", Map.of("summarize_wal", "off"));
        InProcessStack stack = stack("pg18", server)) {
      assertThatThrownBy(
              () ->
                  backup(
                      stack.client,
                      new BackupRequest(
                          "pg18",
                          "incremental",
                          null,
                          List.of("nas"),
                          0,
                          "stream",
                          "20260101T000000Z-full")))
          .rootCause()
          .isInstanceOfSatisfying(
              ApplicationFailure.class,
              f -> {
                assertThat(f.getType()).isEqualTo(ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED);
                assertThat(f.getOriginalMessage())
                    .contains("summarize_wal = off")
                    .contains("ALTER SYSTEM SET summarize_wal = on");
              });
    }
  }

  private static void report(String what, BackupResult backup) {
    System.out.printf(
        "%s %s: %,d bytes read, %,d bytes stored, %.1f%% of the full%n",
        what,
        backup.backupId(),
        backup.rawBytes(),
        backup.copies().get(0).storedBytes(),
        backup.shareOfFull() * 100);
  }

  /** The folder of a major version's programs; the test is skipped, saying why, without them. */
  private static Path binaries(int major) {
    try {
      return PgBinaries.find(major, "postgres").getParent();
    } catch (PgBinaries.MissingException e) {
      assumeTrue(false, "PostgreSQL " + major + " is not installed: " + e.getMessage());
      throw new IllegalStateException(e);
    }
  }

  /** What a user checks after a restore: the counts, the update and the balances' sum. */
  private static Map<String, Object> facts(Statement sql) throws Exception {
    Map<String, Object> facts = new LinkedHashMap<>();
    for (String query :
        List.of(
            "SELECT count(*) FROM accounts",
            "SELECT count(*) FROM accounts WHERE note = 'after the full' AND balance = 107",
            "SELECT sum(balance) FROM accounts",
            "SELECT count(*) FROM events",
            "SELECT count(*) FROM events WHERE what = 'after the full'",
            "SELECT count(*) FROM accounts WHERE owner = 'moved'",
            "SELECT count(*) FROM events WHERE what = 'after the first incremental'")) {
      try (ResultSet row = sql.executeQuery(query)) {
        row.next();
        facts.put(query, row.getLong(1));
      }
    }
    return facts;
  }

  /**
   * This test's workers for one cluster on the server, with two NAS-like destinations in the test's
   * folder and the password as a secret there.
   */
  private InProcessStack stack(String cluster, ThrowawayServer server) throws Exception {
    // The node's database: health probes and backups connect to it.
    try (Connection connection = server.connect("postgres");
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE DATABASE shop");
    }
    Path secrets = Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(secrets.resolve("pg-it"), server.password);
    Path yaml = dir.resolve("lifeboat-" + cluster + ".yaml");
    Files.writeString(
        yaml,
        "temporal: {address: "
            + RealStack.config().temporal().address()
            + ", namespace: "
            + RealStack.config().temporal().namespace()
            + "}\nsecrets: {dir: "
            + secrets
            + "}\nworker: {regions: [], metricsPort: 0}\nclusters:\n"
            + "  "
            + cluster
            + ":\n    nodes:\n      - {name: primary, region: "
            + cluster
            + ", priority: 100, host: 127.0.0.1, port: "
            + server.port
            + ", database: shop, user: postgres, passwordSecret: pg-it, dataDir: "
            + server.data
            + "}\n"
            + "backup:\n  compression: zstd\n  encryption: true\n"
            + "  keys: {provider: local, file: "
            + dir.resolve("kek.json")
            + "}\n  destinations:\n"
            + "    - {name: nas, url: 'file://"
            + dir.resolve("nas")
            + "/"
            + cluster
            + "'}\n    - {name: nas2, url: 'file://"
            + dir.resolve("nas2")
            + "/"
            + cluster
            + "'}\n");
    return new InProcessStack(dir, yaml);
  }

  private static BackupResult backup(WorkflowClient client, BackupRequest request) {
    return client
        .newWorkflowStub(
            BackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("backup-" + request.cluster() + "-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .backup(request);
  }

  private static List<VerificationSummary> verify(WorkflowClient client, String backupId) {
    return client
        .newWorkflowStub(
            VerifyBackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("verify-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build())
        .verify("pg18", backupId);
  }

  private static RestoreReport restore(WorkflowClient client, RestoreRequest request) {
    return client
        .newWorkflowStub(
            RestoreWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("restore-" + request.cluster() + "-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .restore(request);
  }
}
