package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.runbook.RunbookLibrary;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.runbook.RunbookMode;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookWorkflow;
import dev.lifeboat.workflows.runbook.StepStatus;
import io.temporal.client.WorkflowOptions;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * data-corruption-recovery on the real stack: a table of its own (in schema {@code runbook_it}, so
 * no other test's data is touched) is backed up, damaged by an UPDATE, and brought back by the
 * runbook from the backup, with the damaged rows kept aside.
 */
class DataCorruptionRecoveryIT {

  private static final String SCHEMA = "runbook_it";

  @TempDir Path dir;
  private InProcessStack stack;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String table = SCHEMA + ".orders_" + suffix;
  private final String aside = SCHEMA + ".orders_damaged_" + suffix;

  @BeforeEach
  void startWorkers() {
    stack = new InProcessStack(dir);
  }

  @AfterEach
  void cleanUp() throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      sql.execute("DROP TABLE IF EXISTS " + table + ", " + aside);
      try (ResultSet schemas =
          sql.executeQuery(
              "SELECT DISTINCT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace ="
                  + " n.oid WHERE n.nspname LIKE 'lifeboat\\_restored\\_%' AND c.relname = 'orders_"
                  + suffix
                  + "'")) {
        List<String> restored = new java.util.ArrayList<>();
        while (schemas.next()) {
          restored.add(schemas.getString(1));
        }
        for (String schema : restored) {
          sql.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
      }
    } finally {
      stack.close();
    }
  }

  @Test
  void bringsBackATableDamagedByAnUpdateAfterTheBackup() throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      sql.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
      sql.execute(
          "CREATE TABLE " + table + " (id int PRIMARY KEY, amount numeric NOT NULL, note text)");
      sql.execute(
          "INSERT INTO "
              + table
              + " SELECT g, g * 10, 'order ' || g FROM generate_series(1, 300) g");
      sql.execute("CREATE INDEX ON " + table + " (amount)");
      sql.execute(
          "CREATE OR REPLACE FUNCTION "
              + SCHEMA
              + ".touch() RETURNS trigger LANGUAGE plpgsql AS"
              + " $$ BEGIN NEW.note := NEW.note || ' (touched)'; RETURN NEW; END $$");
      sql.execute(
          "CREATE TRIGGER touch BEFORE UPDATE ON "
              + table
              + " FOR EACH ROW EXECUTE FUNCTION "
              + SCHEMA
              + ".touch()");
    }
    BackupResult backup = backup();
    Instant clean = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
    Thread.sleep(1500);
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      // The damage: an UPDATE that should have had a narrower WHERE clause.
      sql.executeUpdate("UPDATE " + table + " SET amount = -1 WHERE id % 3 = 0");
    }
    RunbookLibrary library = RunbookLibrary.load(RealStack.ROOT.resolve("runbooks-yaml"));

    RunbookResult result =
        stack
            .client
            .newWorkflowStub(
                RunbookWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("runbook-data-corruption-recovery-it-" + suffix)
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(20))
                    .build())
            .run(
                new RunbookRequest(
                    library.get("data-corruption-recovery"),
                    Map.of(
                        "table",
                        table,
                        "asideTable",
                        aside,
                        "cleanTime",
                        clean.toString(),
                        "scratchPort",
                        Integer.toString(freePort())),
                    RunbookMode.PRACTICE,
                    "shop",
                    Map.of(),
                    "DataCorruptionRecoveryIT"));

    assertThat(result.outcome())
        .as(result.reason() + " " + result.steps())
        .isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(step(result, "find-clean-backup").output())
        .startsWith("backup " + backup.backupId());
    assertThat(step(result, "restore-table").output())
        .startsWith("restored from backup " + backup.backupId());
    assertThat(step(result, "check-indexes").output()).contains("checked_indexes=2");
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      assertThat(single(sql, "SELECT count(*) FROM " + table)).isEqualTo(300);
      assertThat(single(sql, "SELECT count(*) FROM " + table + " WHERE amount < 0")).isZero();
      assertThat(single(sql, "SELECT count(*) FROM " + table + " WHERE amount = id * 10"))
          .isEqualTo(300);
      assertThat(single(sql, "SELECT count(*) FROM " + aside + " WHERE amount = -1"))
          .as("the damaged rows are kept aside")
          .isEqualTo(100);
      assertThat(
              single(
                  sql,
                  "SELECT count(*) FROM pg_trigger WHERE tgrelid = '"
                      + table
                      + "'::regclass AND tgname = 'touch' AND tgenabled = 'O'"))
          .as("the trigger is enabled again")
          .isEqualTo(1);
    }
  }

  private static StepStatus step(RunbookResult result, String id) {
    return result.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  private BackupResult backup() {
    return stack
        .client
        .newWorkflowStub(
            BackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("backup-shop-it-runbook-" + suffix)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .backup(
            new BackupRequest("shop", BackupRequest.FULL, null, List.of("nas"), 0, "files", null));
  }

  private Connection primary() throws Exception {
    NodeSpec sydney = stack.config.cluster("shop").orElseThrow().node("sydney");
    return RealStack.connect(stack.config, sydney);
  }

  private static long single(Statement sql, String query) throws Exception {
    try (ResultSet rows = sql.executeQuery(query)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
