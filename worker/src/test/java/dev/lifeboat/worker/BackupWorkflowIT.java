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
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
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
      // The stream source; the files source has its own test below.
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
  void aWorkerKilledMidFilesBackupIsReplacedAndItsDeadSessionDoesNotBlockTheRetry()
      throws Exception {
    // BACKUP_MAX_RATE paces the files source's readers too, so the kill lands while they read.
    Map<String, String> workerEnv = new HashMap<>(env);
    workerEnv.put("BACKUP_MAX_RATE", "4M");
    String workflowId = "backup-shop-it-kill-files-" + UUID.randomUUID();
    WorkerProcess first = WorkerProcess.start(workerEnv, dir);
    WorkerProcess second = null;
    try {
      WorkflowExecution execution =
          WorkflowClient.start(
              newBackup(workflowId)::backup,
              new BackupRequest("shop", "full", null, List.of(), 0, "files", null));
      awaitTakeFullReporting(execution, Duration.ofSeconds(90));
      List<Integer> sessions = lowLevelBackupSessions();
      assertThat(sessions).as("the first worker's backup session, holding its slot").hasSize(1);
      first.kill();

      // A non-exclusive backup dies with its session: PostgreSQL aborts it and drops the slot.
      awaitNoLowLevelBackupSessions(Duration.ofSeconds(30));
      assertThat(backendsAlive(sessions)).as("the killed worker's backend").isZero();

      second = WorkerProcess.start(workerEnv, dir);
      BackupResult result =
          WorkflowStub.fromTyped(client.newWorkflowStub(BackupWorkflow.class, workflowId))
              .getResult(4, TimeUnit.MINUTES, BackupResult.class);

      assertThat(result.method()).isEqualTo("files");
      assertThat(result.completeCopies()).isEqualTo(4);
      assertThat(takeFullAttempts(execution))
          .as("the files backup was retried on the second worker")
          .isGreaterThanOrEqualTo(2);
      for (DestinationSettings destination : config.requireBackup().destinations()) {
        assertIntactWithoutOrphans(destination, result.backupId());
      }
      assertThat(lowLevelBackupSessions()).as("sessions left after the retry").isEmpty();
      assertRestoresToAWorkingCluster(result.backupId(), rowCounts());
    } finally {
      first.kill();
      if (second != null) {
        second.close();
      }
    }
  }

  /** Waits until the workflow's Backup_TakeFull heartbeats, which it does only after reading. */
  private void awaitTakeFullReporting(WorkflowExecution execution, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean reported =
          service
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(config.temporal().namespace())
                      .setExecution(execution)
                      .build())
              .getPendingActivitiesList()
              .stream()
              .anyMatch(
                  a ->
                      a.getActivityType().getName().equals("Backup_TakeFull")
                          && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                          && a.getHeartbeatDetails().getPayloadsCount() > 0);
      if (reported) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Backup_TakeFull reported no bytes read within " + timeout);
  }

  /** The backends holding a files backup's temporary slot ({@code lifeboat_backup_<pid>}). */
  private List<Integer> lowLevelBackupSessions() throws Exception {
    List<Integer> pids = new ArrayList<>();
    try (Connection primary =
            RealStack.connect(config, config.cluster("shop").orElseThrow().nodes().get(0));
        Statement sql = primary.createStatement();
        ResultSet slots =
            sql.executeQuery(
                "SELECT substr(slot_name, 17)::int FROM pg_replication_slots"
                    + " WHERE slot_name LIKE 'lifeboat\\_backup\\_%'")) {
      while (slots.next()) {
        pids.add(slots.getInt(1));
      }
    }
    return pids;
  }

  private void awaitNoLowLevelBackupSessions(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!lowLevelBackupSessions().isEmpty()) {
      assertThat(System.nanoTime())
          .as("the killed worker's backup session still holds its slot after %s", timeout)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private int backendsAlive(List<Integer> pids) throws Exception {
    try (Connection primary =
            RealStack.connect(config, config.cluster("shop").orElseThrow().nodes().get(0));
        PreparedStatement sql =
            primary.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY (?::int[])")) {
      sql.setArray(1, primary.createArrayOf("int4", pids.toArray()));
      try (ResultSet count = sql.executeQuery()) {
        count.next();
        return count.getInt(1);
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
