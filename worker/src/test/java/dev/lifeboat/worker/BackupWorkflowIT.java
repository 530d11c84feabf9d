package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.BackupVerifier;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.backup.ListBackupsWorkflow;
import dev.lifeboat.workflows.backup.RetentionWorkflow;
import dev.lifeboat.workflows.backup.VerifyBackupWorkflow;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.RetentionPlan;
import dev.lifeboat.workflows.model.RetentionRequest;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full backups of the local stack's cluster {@code shop} into its four configured destinations
 * (moto, fake-gcs-server, Azurite, a folder), on the real Temporal server, verified object by
 * object afterwards.
 */
class BackupWorkflowIT {

  @TempDir Path dir;
  private Map<String, String> env;
  private LifeboatConfig config;
  private WorkflowServiceStubs service;
  private WorkflowClient client;

  @BeforeEach
  void connect() {
    env = new HashMap<>(System.getenv());
    env.put("LIFEBOAT_KEY_FILE", dir.resolve("kek.json").toString());
    env.put("LIFEBOAT_NAS_DIR", dir.resolve("nas").toString());
    // Tests write to their own buckets, with their own key, apart from the demo's backups.
    env.put("BACKUP_BUCKET", "lifeboat-it");
    config = new ConfigLoader(env).load(RealStack.ROOT.resolve("lifeboat.yaml"));
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporal().namespace()).build());
  }

  @AfterEach
  void disconnect() {
    service.shutdown();
  }

  private <T> T shortRun(Class<T> workflow) {
    return client.newWorkflowStub(
        workflow,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflow.getSimpleName() + "-it-" + UUID.randomUUID())
            .setTaskQueue(TaskQueues.ORCHESTRATION)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
  }

  private BackupWorkflow newBackup(String workflowId) {
    return client.newWorkflowStub(
        BackupWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(TaskQueues.ORCHESTRATION)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  @Test
  void aFullBackupIsSealedInEveryDestinationAndVerifiesWithTheRightRowCounts() throws Exception {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    LifeboatWorkers.register(factory, config, env);
    factory.start();
    BackupResult result;
    List<BackupSummary> listed;
    List<VerificationSummary> verified;
    RetentionPlan plan;
    try {
      result = newBackup("backup-shop-it-" + UUID.randomUUID()).backup(BackupRequest.full("shop"));
      listed = shortRun(ListBackupsWorkflow.class).list("shop");
      verified = shortRun(VerifyBackupWorkflow.class).verify("shop", result.backupId());
      plan = shortRun(RetentionWorkflow.class).run(new RetentionRequest("shop", 30, false));
    } finally {
      factory.shutdown();
      factory.awaitTermination(30, TimeUnit.SECONDS);
    }

    assertThat(listed)
        .filteredOn(b -> b.backupId().equals(result.backupId()))
        .extracting(BackupSummary::destination)
        .containsExactly("s3", "gcs", "azure", "nas");
    assertThat(verified)
        .hasSize(4)
        .allSatisfy(v -> assertThat(v.intact()).as(v.problems().toString()).isTrue());
    assertThat(plan.applied()).isFalse();
    assertThat(plan.expire()).noneMatch(b -> b.backupId().equals(result.backupId()));

    assertThat(result.sourceNode()).isEqualTo("sydney");
    assertThat(result.completeCopies()).isEqualTo(4);
    Map<String, Long> actualCounts = rowCounts();
    for (DestinationSettings destination : config.requireBackup().destinations()) {
      Manifest manifest = assertIntactWithoutOrphans(destination, result.backupId());
      assertThat(manifest.stopLsn()).isEqualTo(result.stopLsn());
      assertThat(manifest.rowCounts()).containsAllEntriesOf(actualCounts);
    }
    assertRestoresToAWorkingCluster(result.backupId(), actualCounts);
  }

  /**
   * The proof that matters: the backup, fetched from the S3 copy, decrypted and laid out, starts as
   * a PostgreSQL server that has the same rows.
   */
  private void assertRestoresToAWorkingCluster(String backupId, Map<String, Long> expected)
      throws Exception {
    assertThat(ScratchRestore.countRows(config, env, "s3", backupId, expected.keySet()))
        .isEqualTo(expected);
  }

  @Test
  void aWorkerKilledMidUploadIsReplacedAndTheBackupStillVerifies() throws Exception {
    // Slow the stream so the kill lands while pg_basebackup is still sending.
    Map<String, String> workerEnv = new HashMap<>(env);
    workerEnv.put("BACKUP_MAX_RATE", "8M");
    String workflowId = "backup-shop-it-kill-" + UUID.randomUUID();
    WorkerProcess first = WorkerProcess.start(workerEnv, dir);
    WorkerProcess second = null;
    try {
      // The stream source honours BACKUP_MAX_RATE; the files source reads at disk speed.
      WorkflowExecution execution =
          WorkflowClient.start(
              newBackup(workflowId)::backup,
              new BackupRequest("shop", "full", null, List.of(), 0, "stream", null));
      WorkerProcess.awaitStartedActivity(
          service,
          config.temporal().namespace(),
          execution,
          "Backup_TakeFull",
          Duration.ofSeconds(90));
      Thread.sleep(1500);
      first.kill();

      second = WorkerProcess.start(workerEnv, dir);
      BackupResult result =
          WorkflowStub.fromTyped(client.newWorkflowStub(BackupWorkflow.class, workflowId))
              .getResult(4, TimeUnit.MINUTES, BackupResult.class);

      assertThat(result.completeCopies()).isEqualTo(4);
      assertThat(takeFullAttempts(execution))
          .as("the stream was retried on the second worker")
          .isGreaterThanOrEqualTo(2);
      for (DestinationSettings destination : config.requireBackup().destinations()) {
        assertIntactWithoutOrphans(destination, result.backupId());
      }
    } finally {
      first.kill();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void aDestinationDownDuringABackupIsBackfilledWhenItReturns() throws Exception {
    WorkerFactory factory = WorkerFactory.newInstance(client);
    LifeboatWorkers.register(factory, config, env);
    factory.start();
    try {
      stack("stop", "moto");
      BackupResult result;
      try {
        result =
            newBackup("backup-shop-it-quorum-" + UUID.randomUUID())
                .backup(new BackupRequest("shop", "full", null, List.of("s3", "gcs", "nas"), 2));
      } finally {
        stack("start", "moto");
      }

      assertThat(result.completeCopies()).isEqualTo(2);
      assertThat(result.copies())
          .filteredOn(c -> c.destination().equals("s3"))
          .singleElement()
          .satisfies(c -> assertThat(c.complete()).isFalse());

      List<BackupCopy> backfilled =
          List.of(
              client
                  .newUntypedWorkflowStub("backfill-shop-" + result.backupId())
                  .getResult(3, TimeUnit.MINUTES, BackupCopy[].class));
      assertThat(backfilled)
          .singleElement()
          .satisfies(c -> assertThat(c.destination()).isEqualTo("s3"));
      DestinationSettings s3 =
          config.requireBackup().destinations().stream()
              .filter(d -> d.name().equals("s3"))
              .findFirst()
              .orElseThrow();
      assertIntactWithoutOrphans(s3, result.backupId());
    } finally {
      factory.shutdown();
      factory.awaitTermination(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void twoStartsOfTheSameBackupRunDoNotBothRun() {
    String workflowId = "backup-shop-it-once-" + UUID.randomUUID();
    WorkflowClient.start(newBackup(workflowId)::backup, BackupRequest.full("shop"));
    try {
      assertThatThrownBy(
              () -> WorkflowClient.start(newBackup(workflowId)::backup, BackupRequest.full("shop")))
          .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
    } finally {
      client.newUntypedWorkflowStub(workflowId).terminate("test over");
    }
  }

  private static void stack(String action, String service) throws Exception {
    Process process =
        new ProcessBuilder(
                "bash", RealStack.ROOT.resolve("scripts/stack.sh").toString(), action, service)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private Manifest assertIntactWithoutOrphans(DestinationSettings destination, String backupId)
      throws Exception {
    SecretResolver secrets = new SecretResolver(config.secretsDir(), env);
    KeyProvider kek = KeyProviders.open(config.requireBackup().keys(), secrets);
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      BackupVerifier.Report report =
          BackupVerifier.verify(store, "shop", backupId, kek, bytes -> {});
      assertThat(report.problems()).as(destination.name()).isEmpty();
      Manifest manifest = ManifestStore.read(store, "shop", backupId);
      Set<String> expected = new HashSet<>();
      for (StoredObject object : manifest.objects()) {
        expected.add(BackupLayout.objectKey("shop", backupId, object.path()));
      }
      expected.add(BackupLayout.manifestKey("shop", backupId));
      expected.add(BackupLayout.checksumKey("shop", backupId));
      assertThat(store.list(BackupLayout.backupPrefix("shop", backupId)))
          .as("objects of %s in %s", backupId, destination.name())
          .extracting(ObjectInfo::key)
          .filteredOn(key -> !BackupLayout.isSidecar("shop", backupId, key))
          .containsExactlyInAnyOrderElementsOf(expected);
      return manifest;
    }
  }

  private Map<String, Long> rowCounts() throws Exception {
    Map<String, Long> counts = new HashMap<>();
    try (Connection primary =
            RealStack.connect(config, config.cluster("shop").orElseThrow().nodes().get(0));
        Statement sql = primary.createStatement()) {
      for (String table :
          List.of("users", "properties", "listings", "searches", "transactions", "alerts")) {
        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
          count.next();
          counts.put("public." + table, count.getLong(1));
        }
      }
    }
    return counts;
  }

  private int takeFullAttempts(WorkflowExecution execution) {
    int attempts = 0;
    for (HistoryEvent event : client.fetchHistory(execution.getWorkflowId()).getEvents()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        attempts = Math.max(attempts, event.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    return attempts;
  }
}
