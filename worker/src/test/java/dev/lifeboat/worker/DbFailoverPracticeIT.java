package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.runbook.RunbookLibrary;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.runbook.RunbookMode;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookWorkflow;
import dev.lifeboat.workflows.runbook.StepStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * db-failover in practice mode on a throwaway pair (scripts/pg-pair.sh: primary east, standby west,
 * PgBouncer in front), marked {@code drill: true}; the demo cluster is not touched.
 */
class DbFailoverPracticeIT {

  private static final String PAIR = "rb";
  private static final int EAST = 56531;
  private static final int WEST = 56532;
  private static final int BOUNCER = 56533;

  private static PgPair pair;
  private static Path dir;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static WorkerFactory workers;

  @BeforeAll
  static void upPairAndWorkers() throws Exception {
    pair = PgPair.up(PAIR, EAST, WEST, BOUNCER, false);
    dir = pair.dir;
    Path yaml = Files.createTempFile("lifeboat-runbook-failover", ".yaml");
    Files.writeString(
        yaml,
        PgPair.header(RealStack.config(), "rb-east", "rb-west")
            + "  pair:\n    drill: true\n    traffic:\n"
            + pair.bouncerEndpoint("      ")
            + "    nodes:\n"
            + pair.nodes("      ", "rb"));
    LifeboatConfig config = new ConfigLoader(Map.of()).load(yaml);
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
    LifeboatWorkers.register(workers, config, new HashMap<>(System.getenv()));
    workers.start();
  }

  @AfterAll
  static void down() throws Exception {
    if (workers != null) {
      workers.shutdown();
      workers.awaitTermination(30, TimeUnit.SECONDS);
      service.shutdown();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void promotesTheStandbyRedirectsPgBouncerAndVerifiesWithoutRollingBack() throws Exception {
    RunbookLibrary library = RunbookLibrary.load(RealStack.ROOT.resolve("runbooks-yaml"));

    RunbookResult result =
        client
            .newWorkflowStub(
                RunbookWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("runbook-db-failover-it-" + UUID.randomUUID())
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(15))
                    .build())
            .run(
                new RunbookRequest(
                    library.get("db-failover"),
                    Map.of("oldPrimary", "east", "candidate", "west", "endpoint", "bouncer"),
                    RunbookMode.PRACTICE,
                    "pair",
                    Map.of(),
                    "DbFailoverPracticeIT"));

    assertThat(result.outcome())
        .as(result.reason() + " " + result.steps())
        .isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(result.reason()).isEqualTo("verification passed");
    assertThat(step(result, "check-lag").output()).contains("caught_up=t");
    assertThat(step(result, "promote").output()).startsWith("west promoted");
    assertThat(step(result, "monitor-replication").output()).contains("primary=t");
    assertThat(step(result, "verify.new-primary-takes-writes").output()).contains("writable=t");
    assertThat(Files.readString(dir.resolve("pgbouncer.ini"))).contains("port=" + WEST);
    try (Connection west = PgPair.superuser(WEST, "postgres");
        Statement sql = west.createStatement();
        ResultSet recovery = sql.executeQuery("SELECT pg_is_in_recovery()")) {
      recovery.next();
      assertThat(recovery.getBoolean(1)).as("west is the primary now").isFalse();
    }
    try (Connection east = PgPair.superuser(EAST, "postgres");
        Statement sql = east.createStatement();
        ResultSet readOnly = sql.executeQuery("SHOW default_transaction_read_only")) {
      readOnly.next();
      assertThat(readOnly.getString(1)).as("the old primary stays fenced").isEqualTo("on");
    }
  }

  private static StepStatus step(RunbookResult result, String id) {
    return result.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }
}
