package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.manifest.CopiesRecord;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.backup.RetentionWorkflow;
import dev.lifeboat.workflows.backup.VerifyBackupWorkflow;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupInventory;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files source and page-delta incrementals on the stack's {@code shop} cluster: a full backup
 * read from the data directory, a write load, an incremental that keeps only what changed, and a
 * restore of the chain that starts as a PostgreSQL server with exactly the rows of the
 * incremental's end point.
 */
class IncrementalBackupIT {

  private static final List<String> DESTINATIONS = List.of("s3", "nas");

  @TempDir Path dir;
  private InProcessStack stack;
  private Map<String, String> env;
  private LifeboatConfig config;
  private WorkflowClient client;

  @BeforeEach
  void startWorkers() {
    stack = new InProcessStack(dir);
    env = stack.env;
    config = stack.config;
    client = stack.client;
  }

  @AfterEach
  void stopWorkers() {
    stack.close();
  }

  private BackupResult backup(BackupRequest request) {
    return client
        .newWorkflowStub(
            BackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("backup-shop-it-incr-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                .build())
        .backup(request);
  }

  private List<VerificationSummary> verify(String backupId) {
    return client
        .newWorkflowStub(
            VerifyBackupWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("verify-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build())
        .verify("shop", backupId);
  }

  @Test
  void anIncrementalAfterAWriteLoadStoresLessAndItsChainRestoresEveryRow() throws Exception {
    BackupResult full =
        backup(new BackupRequest("shop", "full", null, DESTINATIONS, 0, "files", null));
    assertThat(full.method()).isEqualTo("files");
    assertThat(full.completeCopies()).isEqualTo(2);

    String marker = "incremental-it-" + UUID.randomUUID();
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      // About 5% of the listings change, and one marked alert exists only after the full backup.
      sql.executeUpdate("UPDATE listings SET view_count = view_count + 1 WHERE id % 20 = 0");
      sql.executeUpdate(
          "INSERT INTO alerts (user_id, kind, criteria, frequency) SELECT id, 'price_drop', '"
              + marker
              + "', 'daily' FROM users ORDER BY id LIMIT 1");
    }

    BackupResult incremental =
        backup(
            new BackupRequest(
                "shop", "incremental", null, DESTINATIONS, 0, "files", full.backupId()));
    Map<String, Long> expected = rowCounts();

    assertThat(incremental.parentId()).isEqualTo(full.backupId());
    assertThat(incremental.completeCopies()).isEqualTo(2);
    // Every page of a healthy cluster verifies: the full's, and the changed pages the incremental
    // stored.
    assertThat(full.warnings()).isEmpty();
    assertThat(incremental.warnings()).isEmpty();
    assertThat(incremental.shareOfFull())
        .as("stored size of the incremental as a share of the full's")
        .isGreaterThan(0)
        .isLessThan(0.5);
    for (String backupId : List.of(full.backupId(), incremental.backupId())) {
      assertThat(verify(backupId))
          .filteredOn(v -> DESTINATIONS.contains(v.destination()))
          .hasSize(2)
          .allSatisfy(v -> assertThat(v.intact()).as(v.problems().toString()).isTrue());
    }

    // Retention by count would keep only the incremental, but never the incremental without the
    // full it needs; and both now carry a verification stamp in each destination.
    RetentionPlan plan =
        client
            .newWorkflowStub(
                RetentionWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("retention-it-" + UUID.randomUUID())
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                    .build())
            .run(new RetentionRequest("shop", 30, false, 1));
    assertThat(plan.keptBecause())
        .containsEntry(full.backupId(), "parent of " + incremental.backupId());
    BackupInventory inventory = stack.inventory("shop");
    assertThat(inventory.backups())
        .filteredOn(b -> b.backupId().equals(incremental.backupId()))
        .hasSize(2)
        .allSatisfy(
            b -> {
              assertThat(b.parentId()).isEqualTo(full.backupId());
              assertThat(b.verifiedAt()).isNotNull();
              assertThat(b.pageChecksums()).matches("[1-9][0-9,]* pages verified, none failed");
            });

    // Each copy says where the others are, for an operator left with one bucket.
    try (BackupStore nas = stack.store("nas")) {
      assertThat(CopiesRecord.read(nas, "shop", incremental.backupId()).orElseThrow().copies())
          .extracting(BackupCopy::destination, BackupCopy::complete)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("s3", true),
              org.assertj.core.groups.Tuple.tuple("nas", true));
    }

    Map<String, Long> restoredCounts = new TreeMap<>();
    long[] markers = new long[1];
    ScratchRestore.query(
        config,
        env,
        "nas",
        incremental.backupId(),
        sql -> {
          for (String table : expected.keySet()) {
            try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
              count.next();
              restoredCounts.put(table, count.getLong(1));
            }
          }
          try (ResultSet found =
              sql.executeQuery("SELECT count(*) FROM alerts WHERE criteria = '" + marker + "'")) {
            found.next();
            markers[0] = found.getLong(1);
          }
        });
    assertThat(restoredCounts).isEqualTo(expected);
    assertThat(markers[0]).as("the row written after the full backup").isEqualTo(1);
  }

  @Test
  void aStreamBackupCannotBeTheParentOfAnIncremental() {
    BackupResult stream =
        backup(new BackupRequest("shop", "full", null, List.of("nas"), 0, "stream", null));
    assertThat(stream.method()).isEqualTo("stream");

    assertThatThrownBy(
            () ->
                backup(
                    new BackupRequest(
                        "shop",
                        "incremental",
                        null,
                        List.of("nas"),
                        0,
                        "files",
                        stream.backupId())))
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.getType()).isEqualTo(ErrorTypes.PARENT_NOT_USABLE);
              assertThat(f.getOriginalMessage()).contains("take a full backup with the files");
            });
  }

  private Connection primary() throws Exception {
    NodeSpec sydney = config.cluster("shop").orElseThrow().nodes().get(0);
    return RealStack.connect(config, sydney);
  }

  private Map<String, Long> rowCounts() throws Exception {
    Map<String, Long> counts = new TreeMap<>();
    try (Connection connection = primary();
        Statement sql = connection.createStatement()) {
      for (String table :
          List.of("users", "properties", "listings", "searches", "transactions", "alerts")) {
        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
          count.next();
          counts.put(table, count.getLong(1));
        }
      }
    }
    return counts;
  }
}
