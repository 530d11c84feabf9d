package dev.lifeboat.worker;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.backup.BackupInventoryWorkflow;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.BackupInventory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The repository's lifeboat.yaml on the local stack, with a test's own key, NAS folder, WAL spool
 * and buckets (so tests never touch the demo's backups), a client of the real Temporal server, and
 * Lifeboat's workers running in this JVM.
 */
final class InProcessStack implements AutoCloseable {

  final Map<String, String> env;
  final LifeboatConfig config;
  final WorkflowClient client;
  private final WorkflowServiceStubs service;
  private final WorkerFactory workers;

  /** Connects and starts the workers; {@code dir} holds the test's key, NAS folder and spool. */
  InProcessStack(Path dir) {
    this(dir, RealStack.ROOT.resolve("lifeboat.yaml"));
  }

  /**
   * The same with another configuration file, such as a copy of the repository's lifeboat.yaml with
   * a different {@code restore} section (its secrets stay the repository's).
   */
  InProcessStack(Path dir, Path configFile) {
    env = new HashMap<>(System.getenv());
    env.put("LIFEBOAT_KEY_FILE", dir.resolve("kek.json").toString());
    env.put("LIFEBOAT_NAS_DIR", dir.resolve("nas").toString());
    env.put("LIFEBOAT_WAL_SPOOL", dir.resolve("spool").toString());
    env.put("BACKUP_BUCKET", "lifeboat-it");
    env.putIfAbsent(
        "LIFEBOAT_SECRETS_DIR", RealStack.ROOT.resolve(".tools/state/secrets").toString());
    config = new ConfigLoader(env).load(configFile);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporal().namespace()).build());
    workers = WorkerFactory.newInstance(client);
    LifeboatWorkers.register(workers, config, env);
    workers.start();
  }

  /** Opens the store of one configured destination with the test's credentials. */
  BackupStore store(String destination) throws IOException {
    return DestinationStores.open(
        DestinationStores.configured(config, destination),
        new SecretResolver(config.secretsDir(), env));
  }

  /** Every sealed backup of a cluster in every destination, through the inventory workflow. */
  BackupInventory inventory(String cluster) {
    return client
        .newWorkflowStub(
            BackupInventoryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("inventory-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build())
        .inventory(cluster);
  }

  @Override
  public void close() {
    workers.shutdown();
    workers.awaitTermination(30, TimeUnit.SECONDS);
    service.shutdown();
  }
}
