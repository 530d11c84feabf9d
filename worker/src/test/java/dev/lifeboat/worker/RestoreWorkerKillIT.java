package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import dev.lifeboat.workflows.restore.RestoreWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * A worker killed with SIGKILL while it lays out a restore: the restore goes on on the next worker,
 * which removes the half-written directory it finds (the claim marker says it is the restore's own)
 * and lays it out again, and the test restore is proven and torn down with nothing left running or
 * on disk. The workers are separate processes, capped by {@code RESTORE_MAX_RATE} so the kill lands
 * inside the layout.
 */
class RestoreWorkerKillIT {

  @TempDir Path dir;
  private Map<String, String> env;
  private LifeboatConfig config;
  private WorkflowServiceStubs service;
  private WorkflowClient client;
  private Path target;

  @BeforeEach
  void connect() {
    env = new HashMap<>(System.getenv());
    env.put("LIFEBOAT_KEY_FILE", dir.resolve("kek.json").toString());
    env.put("LIFEBOAT_NAS_DIR", dir.resolve("nas").toString());
    env.put("LIFEBOAT_WAL_SPOOL", dir.resolve("spool").toString());
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
    target = Path.of("/var/tmp", "lifeboat-it-kill-" + UUID.randomUUID());
  }

  @AfterEach
  void disconnect() throws Exception {
    try {
      RestoreWorkflowIT.stopAndRemove(target);
    } finally {
      service.shutdown();
    }
  }

  @Test
  void aWorkerKilledDuringTheLayoutIsReplacedAndTheRestoreIsProvenAndCleanedUp() throws Exception {
    Map<String, String> workerEnv = new HashMap<>(env);
    // The shop cluster's chain is ~100 MB: at 4 MB/s its layout takes long enough to be killed in.
    workerEnv.put("RESTORE_MAX_RATE", "4M");
    WorkerProcess first = WorkerProcess.start(workerEnv, dir);
    WorkerProcess second = null;
    try {
      BackupResult full =
          client
              .newWorkflowStub(
                  BackupWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("backup-shop-it-restore-kill-" + UUID.randomUUID())
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                      .build())
              .backup(
                  new BackupRequest(
                      "shop", BackupRequest.FULL, null, List.of("nas"), 0, "files", null));

      String workflowId = "restore-shop-it-kill-" + UUID.randomUUID();
      RestoreWorkflow restore =
          client.newWorkflowStub(
              RestoreWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(workflowId)
                  .setTaskQueue(TaskQueues.ORCHESTRATION)
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(15))
                  .build());
      WorkflowExecution execution =
          WorkflowClient.start(
              restore::restore,
              RestoreRequest.proof("shop", full.backupId(), "nas", target.toString(), freePort()));
      WorkerProcess.awaitStartedActivity(
          service,
          config.temporal().namespace(),
          execution,
          "Restore_LayOut",
          Duration.ofSeconds(90));
      awaitFiles(target, 20, Duration.ofSeconds(60));
      first.kill();
      int files;
      try (BackupStore nas =
          DestinationStores.open(
              DestinationStores.configured(config, "nas"),
              new SecretResolver(config.secretsDir(), env))) {
        files = ManifestStore.read(nas, "shop", full.backupId()).files().size();
      }
      assertThat(entries(target))
          .as("files laid out when the worker was killed, of the backup's %d", files)
          .isPositive()
          .isLessThan(files);

      second = WorkerProcess.start(workerEnv, dir);
      RestoreReport report =
          WorkflowStub.fromTyped(client.newWorkflowStub(RestoreWorkflow.class, workflowId))
              .getResult(10, TimeUnit.MINUTES, RestoreReport.class);

      assertThat(report.proven()).as(report.validation().problems().toString()).isTrue();
      assertThat(report.validation().rowCounts()).containsKeys("public.listings", "public.alerts");
      assertThat(layoutAttempts(workflowId))
          .as("the layout was retried on the second worker")
          .isGreaterThanOrEqualTo(2);
      for (String suffix : List.of("", ".wal", ".log", ".lifeboat-restore")) {
        assertThat(Path.of(target + suffix)).as("left behind").doesNotExist();
      }
      assertThat(listening(report.port())).as("a server left on port " + report.port()).isFalse();
    } finally {
      first.kill();
      if (second != null) {
        second.close();
      }
    }
  }

  /** Waits until the layout has written at least {@code count} files into {@code folder}. */
  private static void awaitFiles(Path folder, int count, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (entries(folder) < count) {
      assertThat(System.nanoTime())
          .as("%d files laid out in %s within %s", count, folder, timeout)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static long entries(Path folder) throws Exception {
    if (!Files.isDirectory(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  /** The highest attempt of the layout (its started event is written when the attempt ends). */
  private int layoutAttempts(String workflowId) {
    Map<Long, String> types = new HashMap<>();
    int attempts = 0;
    for (HistoryEvent event : client.fetchHistory(workflowId).getEvents()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.put(
            event.getEventId(),
            event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
          && "Restore_LayOut"
              .equals(
                  types.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId()))) {
        attempts = Math.max(attempts, event.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    return attempts;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (Exception refused) {
      return false;
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
