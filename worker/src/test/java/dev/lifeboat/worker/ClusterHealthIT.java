package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.ClusterHealthWorkflow;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeHealth;
import dev.lifeboat.workflows.model.NodeRole;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ClusterHealthWorkflow on the real Temporal server of the local stack, with the production worker
 * registration, against the real primary (sydney) and streaming standby (tokyo).
 */
class ClusterHealthIT {

  private static LifeboatConfig config;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static WorkerFactory factory;

  @BeforeAll
  static void startWorker() {
    config = RealStack.config();
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporal().namespace()).build());
    factory = WorkerFactory.newInstance(client);
    LifeboatWorkers.register(factory, config, System.getenv());
    factory.start();
  }

  @AfterAll
  static void stopWorker() {
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
    service.shutdown();
  }

  private static ClusterHealthWorkflow newHealthWorkflow(String workflowId) {
    return client.newWorkflowStub(
        ClusterHealthWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setTaskQueue(TaskQueues.ORCHESTRATION)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
            .build());
  }

  @Test
  void seesTheStandbyReplayLsnAdvanceAfterAWriteOnThePrimary() throws Exception {
    ClusterTopology before =
        newHealthWorkflow("health-shop-it-" + UUID.randomUUID())
            .check(new ClusterHealthRequest("shop"));

    assertThat(before.verdict()).isEqualTo(ClusterVerdict.HEALTHY);
    assertThat(before.primary()).isEqualTo("sydney");
    NodeHealth standbyBefore = node(before, "tokyo");
    assertThat(standbyBefore.role()).isEqualTo(NodeRole.STANDBY);
    assertThat(standbyBefore.streaming()).isTrue();
    assertThat(standbyBefore.lagBytes()).isNotNull().isGreaterThanOrEqualTo(0);
    assertThat(standbyBefore.lagSeconds()).isNotNull();

    long writtenAt;
    try (Connection primary =
            RealStack.connect(config, config.cluster("shop").orElseThrow().nodes().get(0));
        Statement sql = primary.createStatement()) {
      sql.execute(
          "CREATE TABLE IF NOT EXISTS lifeboat_it_marks (id bigserial PRIMARY KEY, note text)");
      sql.execute(
          "INSERT INTO lifeboat_it_marks (note) SELECT md5(g::text) FROM generate_series(1, 1000) g");
      try (ResultSet lsn = sql.executeQuery("SELECT pg_current_wal_lsn()::text")) {
        lsn.next();
        writtenAt = Lsn.parse(lsn.getString(1));
      }
    }
    assertThat(writtenAt).isGreaterThan(Lsn.parse(standbyBefore.lsn()));

    // Streaming catches up within about 100 ms on loopback; allow a few rounds of probes.
    NodeHealth standbyAfter = null;
    for (int round = 0; round < 20; round++) {
      ClusterTopology after =
          newHealthWorkflow("health-shop-it-" + UUID.randomUUID())
              .check(new ClusterHealthRequest("shop"));
      standbyAfter = node(after, "tokyo");
      if (Lsn.parse(standbyAfter.lsn()) >= writtenAt) {
        break;
      }
      Thread.sleep(250);
    }
    assertThat(Lsn.parse(standbyAfter.lsn()))
        .as("tokyo's replay LSN after the write at %s", Lsn.format(writtenAt))
        .isGreaterThanOrEqualTo(writtenAt);
  }

  @Test
  void theRunIsFindableInTheWebUiBySearchAttributes() {
    String workflowId = "health-shop-it-" + UUID.randomUUID();
    ClusterHealthWorkflow workflow = newHealthWorkflow(workflowId);
    WorkflowExecution execution =
        WorkflowClient.start(workflow::check, new ClusterHealthRequest("shop"));
    WorkflowStub.fromTyped(workflow).getResult(ClusterTopology.class);

    // Visibility is eventually consistent; the dev server indexes within a second or so.
    List<WorkflowExecutionMetadata> found = List.of();
    for (int i = 0; i < 50 && found.isEmpty(); i++) {
      found =
          client
              .listExecutions(
                  "WorkflowId = '"
                      + workflowId
                      + "' AND DrCluster = 'shop' AND DrKind = 'health' AND DrOutcome = 'healthy'")
              .toList();
      if (found.isEmpty()) {
        sleep(200);
      }
    }
    assertThat(found).hasSize(1);
    assertThat(found.get(0).getExecution().getRunId()).isEqualTo(execution.getRunId());
    assertThat(found.get(0).getTypedSearchAttributes().get(DrSearchAttributes.OUTCOME))
        .isEqualTo("healthy");
  }

  @Test
  void theDocumentedTemporalCliCommandRunsIt() throws Exception {
    String workflowId = "health-shop-it-cli-" + UUID.randomUUID();
    Process cli =
        new ProcessBuilder(
                RealStack.ROOT.resolve(".tools/bin/temporal").toString(),
                "workflow",
                "execute",
                "--address",
                config.temporal().address(),
                "--type",
                ClusterHealthWorkflow.TYPE,
                "--task-queue",
                TaskQueues.ORCHESTRATION,
                "--workflow-id",
                workflowId,
                "--input",
                "{\"cluster\":\"shop\"}",
                "--output",
                "json")
            .redirectErrorStream(true)
            .start();
    String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(cli.exitValue()).as(output).isZero();
    assertThat(output)
        .containsPattern("\"verdict\":\\s*\"HEALTHY\"")
        .containsPattern("\"primary\":\\s*\"sydney\"");
  }

  private static NodeHealth node(ClusterTopology topology, String name) {
    return topology.nodes().stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
