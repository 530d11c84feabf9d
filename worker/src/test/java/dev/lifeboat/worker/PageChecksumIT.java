package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupInventory;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.restore.RestoreWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A page the disk corrupted, on the stack's {@code shop} primary (initialised with data checksums):
 * a files backup still succeeds, says which page failed in its result, and lists it in the manifest
 * that {@code lifeboat backup show} reads.
 */
class PageChecksumIT {

  private static final String TABLE = "lifeboat_page_checksum_it";

  @TempDir Path dir;
  private InProcessStack stack;
  private LifeboatConfig config;
  private WorkflowClient client;

  @BeforeEach
  void startWorkers() {
    stack = new InProcessStack(dir);
    config = stack.config;
    client = stack.client;
  }

  @AfterEach
  void dropTableAndStopWorkers() throws Exception {
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      // Dropping reads none of the table's pages, and discards the server's cached copies.
      sql.execute("DROP TABLE IF EXISTS " + TABLE);
    } finally {
      stack.close();
    }
  }

  @Test
  void aCorruptedPageIsReportedAndTheBackupIsKept() throws Exception {
    String relationFile;
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      sql.execute("DROP TABLE IF EXISTS " + TABLE);
      sql.execute("CREATE TABLE " + TABLE + " (id int, filler text)");
      sql.execute(
          "INSERT INTO " + TABLE + " SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g");
      // Frozen and hinted now, so no later read dirties a page and writes it back over the damage;
      // the checkpoint puts every page on disk.
      sql.execute("VACUUM (FREEZE) " + TABLE);
      sql.execute("CHECKPOINT");
      try (ResultSet row =
          sql.executeQuery(
              "SELECT current_setting('data_directory') || '/' || pg_relation_filepath('"
                  + TABLE
                  + "')")) {
        row.next();
        relationFile = row.getString(1);
      }
    }
    String relationPath = relationFile.substring(relationFile.indexOf("base/"));
    try (RandomAccessFile file = new RandomAccessFile(relationFile, "rw")) {
      assertThat(file.length()).isGreaterThan(4 * 8192L);
      long at = 3 * 8192L + 5000;
      file.seek(at);
      int old = file.read();
      file.seek(at);
      file.write(old ^ 0xFF);
    }

    BackupResult result =
        client
            .newWorkflowStub(
                BackupWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("backup-shop-it-checksums-" + UUID.randomUUID())
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                    .build())
            .backup(new BackupRequest("shop", "full", "sydney", List.of("nas"), 0, "files", null));

    assertThat(result.completeCopies()).isEqualTo(1);
    assertThat(result.warnings())
        .anySatisfy(
            warning ->
                assertThat(warning)
                    .startsWith("1 data page(s) failed checksum verification")
                    .contains(relationPath + " block 3"));

    BackupInventory inventory = stack.inventory("shop");
    assertThat(inventory.backups())
        .filteredOn(b -> b.backupId().equals(result.backupId()))
        .singleElement()
        .satisfies(
            b ->
                assertThat(b)
                    .matches(BackupSummary::storedDamagedPages, "flagged for backup status")
                    .extracting(BackupSummary::pageChecksums)
                    .asString()
                    .contains("pages verified, 1 failed: " + relationPath + " block 3"));

    // A test restore of it is not proven: the restored cluster has the page as the disk had it.
    Path scratch = Path.of("/var/tmp", "lifeboat-it-proof-" + UUID.randomUUID());
    try {
      RestoreReport report =
          client
              .newWorkflowStub(
                  RestoreWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("restore-shop-it-checksums-" + UUID.randomUUID())
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                      .build())
              .restore(
                  RestoreRequest.proof(
                      "shop",
                      result.backupId(),
                      "nas",
                      scratch.toString(),
                      ThrowawayServer.freePort()));
      assertThat(report.proven()).isFalse();
      assertThat(report.validation().problems())
          .anySatisfy(
              problem ->
                  assertThat(problem)
                      .contains(
                          "backup "
                              + result.backupId()
                              + " holds 1 data page(s) that failed checksum verification")
                      .contains(relationPath + " block 3"));
    } finally {
      RestoreWorkflowIT.stopAndRemove(scratch);
    }
  }

  private Connection primary() throws Exception {
    NodeSpec sydney = config.cluster("shop").orElseThrow().nodes().get(0);
    return RealStack.connect(config, sydney);
  }
}
