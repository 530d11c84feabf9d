package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterMonitorWorkflow;
import dev.lifeboat.workflows.failover.DisasterSimulationWorkflow;
import dev.lifeboat.workflows.failover.FailbackWorkflow;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailbackRequest;
import dev.lifeboat.workflows.model.FailbackResult;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.MonitorStatus;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.SimulationReport;
import dev.lifeboat.workflows.model.SimulationRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Failover on a throwaway synchronous pair (scripts/pg-pair.sh: primary east, standby west,
 * PgBouncer in front) with Lifeboat's workers in this JVM. The demo cluster is not touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {

  private static final String PAIR = "fo";
  private static final String CLUSTER = "pair";
  private static final int EAST = 56521;
  private static final int WEST = 56522;
  private static final int BOUNCER = 56523;

  private static PgPair pair;
  private static Path dir;
  private static LifeboatConfig config;
  private static WorkflowServiceStubs service;
  private static WorkflowClient client;
  private static WorkerFactory workers;

  @BeforeAll
  static void upPairAndWorkers() throws Exception {
    pair = PgPair.up(PAIR, EAST, WEST, BOUNCER, true);
    dir = pair.dir;
    String traffic =
        "    traffic:\n"
            + pair.bouncerEndpoint("      ")
            + "      - {name: scripts, type: file, path: "
            + dir
            + "/primary.txt}\n";
    String async = "    traffic:\n" + pair.bouncerEndpoint("      ");
    Path yaml = Files.createTempFile("lifeboat-failover", ".yaml");
    Files.writeString(
        yaml,
        PgPair.header(RealStack.config(), "pair-east", "pair-west")
            + "  pair:\n    replication: synchronous\n    drill: true\n"
            + "    health: {interval: 1s, failuresBeforeDown: 3, probeTimeout: 1s}\n"
            + "    failover: {rpoBudgetBytes: 0, escalateAfter: 1m, approvalTimeout: 2m}\n"
            + traffic
            + "    nodes:\n"
            + pair.nodes("      ", "pair")
            + "  pairasync:\n    replication: asynchronous\n"
            + "    failover: {rpoBudgetBytes: 0, escalateAfter: 1m, approvalTimeout: 2m}\n"
            + async
            + "    nodes:\n"
            + pair.nodes("      ", "pair"));
    config = new ConfigLoader(Map.of()).load(yaml);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporal().namespace()).build());
    // Runs left over by an interrupted earlier run would hold the workflow ids.
    for (String id :
        List.of("failover-pair", "failover-pairasync", "monitor-pair", "simulate-pair")) {
      try {
        client.newUntypedWorkflowStub(id).terminate("left over by an earlier test run");
      } catch (RuntimeException e) {
        // Nothing runs under this id.
      }
    }
    workers = WorkerFactory.newInstance(client);
    LifeboatWorkers.register(workers, config, new HashMap<>(System.getenv()));
    workers.start();
    try (Connection c = app();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE writes (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
    }
  }

  @AfterAll
  static void down() throws Exception {
    if (workers != null) {
      workers.shutdown();
      workers.awaitTermination(30, TimeUnit.SECONDS);
      service.shutdown();
    }
    // LIFEBOAT_KEEP_PAIR=1 keeps the pair's folder and logs for a post-mortem.
    if (pair != null && !"1".equals(System.getenv("LIFEBOAT_KEEP_PAIR"))) {
      pair.close();
    }
  }

  @Test
  @Order(1)
  void killingThePrimaryUnderLoadFailsOverWithoutLosingACommittedRow() throws Exception {
    Writer writer = new Writer();
    Thread thread = new Thread(writer, "writer");
    thread.start();
    awaitCommits(writer, 50);

    long killedAt = System.currentTimeMillis();
    kill9("east");

    FailoverWorkflow failover = failoverStub();
    WorkflowClient.start(
        failover::failover,
        new FailoverRequest(
            CLUSTER,
            FailoverRequest.FAILOVER,
            null,
            "east killed by the test",
            "FailoverIT",
            "east",
            null,
            killedAt,
            killedAt,
            null));
    // A second request while one runs is refused, naming the running one.
    assertThatThrownBy(
            () ->
                WorkflowClient.start(
                    failoverStub()::failover,
                    FailoverRequest.manual(CLUSTER, "failover", null, "again", "FailoverIT")))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class)
        .hasMessageContaining(FailoverWorkflow.workflowId(CLUSTER));
    FailoverResult result =
        WorkflowStub.fromTyped(failover).getResult(2, TimeUnit.MINUTES, FailoverResult.class);

    assertThat(result.oldPrimary()).isEqualTo("east");
    assertThat(result.newPrimary()).isEqualTo("west");
    assertThat(result.redirects()).hasSize(2);
    assertThat(Files.readString(dir.resolve("primary.txt"))).startsWith("127.0.0.1:" + WEST);
    int before = writer.committed.size();
    awaitCommits(writer, before + 20);
    writer.stop.set(true);
    thread.join(10_000);

    Set<Long> onWest = ids(WEST);
    assertThat(onWest).as("every row the writer saw committed").containsAll(writer.committed);
    System.out.printf(
        "failover RTO %d ms (promotion %d ms, redirect %d ms), %d rows committed, %d failed"
            + " attempts%n",
        result.rtoMillis(),
        result.promotionMillis(),
        result.redirectMillis(),
        writer.committed.size(),
        writer.failures);
  }

  @Test
  @Order(2)
  void theOldPrimaryComingBackIsNotTakenAsPrimaryAndFailbackRejoinsIt() throws Exception {
    // A crashed primary restarted by an init system comes back as a primary on the old timeline.
    startEast();
    // Clients still reach west only.
    assertThat(Files.readString(dir.resolve("pgbouncer.ini"))).contains("port=" + WEST);
    try (Connection c = app();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT inet_server_port()")) {
      r.next();
      assertThat(r.getInt(1)).isEqualTo(WEST);
    }

    FailbackWorkflow failback =
        client.newWorkflowStub(
            FailbackWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(FailbackWorkflow.workflowId(CLUSTER))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
                .build());
    FailbackResult result = failback.failback(new FailbackRequest(CLUSTER, true, "FailoverIT"));

    assertThat(result.rejoined()).extracting(r -> r.node()).containsExactly("east");
    assertThat(result.switchback()).isNotNull();
    assertThat(result.primary()).isEqualTo("east");
    try (Connection c = app();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO writes (id) VALUES (-1)");
      try (ResultSet r = s.executeQuery("SELECT inet_server_port(), pg_is_in_recovery()")) {
        r.next();
        assertThat(r.getInt(1)).isEqualTo(EAST);
        assertThat(r.getBoolean(2)).isFalse();
      }
    }
    try (Connection c = PgPair.superuser(WEST, "shop");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_is_in_recovery()")) {
      r.next();
      assertThat(r.getBoolean(1)).as("west follows east again").isTrue();
    }
    assertThat(ids(EAST)).contains(-1L);
  }

  @Test
  @Order(3)
  void theMonitorDetectsADeadPrimaryFailsOverAndFencesItWhenItReturns() throws Exception {
    ClusterMonitorWorkflow monitor =
        client.newWorkflowStub(
            ClusterMonitorWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ClusterMonitorWorkflow.workflowId(CLUSTER))
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .build());
    WorkflowClient.start(monitor::monitor, new MonitorRequest(CLUSTER));
    try {
      awaitMonitor(monitor, s -> "east".equals(s.primary()) && s.rounds() >= 2);
      Writer writer = new Writer();
      Thread thread = new Thread(writer, "writer");
      thread.start();
      awaitCommits(writer, 50);

      long killedAt = System.currentTimeMillis();
      kill9("east");
      int before = writer.committed.size();
      awaitCommits(writer, before + 1);
      long firstCommitAfter = System.currentTimeMillis();
      awaitCommits(writer, before + 20);
      writer.stop.set(true);
      thread.join(10_000);

      MonitorStatus status = awaitMonitor(monitor, s -> "west".equals(s.primary()));
      assertThat(status.lastFailover()).startsWith(FailoverWorkflow.workflowId(CLUSTER));
      assertThat(ids(WEST)).as("every committed row").containsAll(writer.committed);
      System.out.printf(
          "monitor failover: kill -9 to first commit through PgBouncer %d ms%n",
          firstCommitAfter - killedAt);

      // The old primary restarted by hand was demoted on disk when it was fenced: it comes back
      // as a server in recovery, not taken as primary and refusing writes.
      startEast();
      status =
          awaitMonitor(
              monitor,
              s ->
                  s.nodes().stream()
                      .anyMatch(n -> n.node().equals("east") && n.role() == NodeRole.STANDBY));
      assertThat(status.primary()).isEqualTo("west");
      try (Connection c = PgPair.superuser(EAST, "shop");
          Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.execute("INSERT INTO writes (id) VALUES (-2)"))
            .hasMessageContaining("read-only");
      }

      FailbackResult back =
          client
              .newWorkflowStub(
                  FailbackWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(FailbackWorkflow.workflowId(CLUSTER))
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build())
              .failback(new FailbackRequest(CLUSTER, true, "FailoverIT"));
      assertThat(back.primary()).isEqualTo("east");
      awaitMonitor(
          monitor,
          s ->
              "east".equals(s.primary())
                  && s.nodes().stream().allMatch(n -> n.verdict().equals("up")));
    } finally {
      WorkflowStub.fromTyped(monitor).terminate("test over");
    }
  }

  @Test
  @Order(4)
  void aLiveSimulationKillsTheRegionMeasuresTheFailoverAndFailsBack() throws Exception {
    DisasterSimulationWorkflow plan = simulation();
    SimulationReport planned =
        plan.simulate(new SimulationRequest(CLUSTER, "pair-east", SimulationRequest.PLAN, true));
    assertThat(planned.newPrimary()).isEqualTo("west");
    assertThat(planned.steps()).anyMatch(s -> s.startsWith("promote west"));
    assertThat(planned.measuredRtoMillis()).isZero();

    try {
      SimulationReport live =
          simulation()
              .simulate(new SimulationRequest(CLUSTER, "pair-east", SimulationRequest.LIVE, true));

      assertThat(live.newPrimary()).isEqualTo("west");
      assertThat(live.measuredRtoMillis()).isPositive();
      assertThat(live.failback().primary()).isEqualTo("east");
      System.out.printf("live simulation: measured RTO %d ms%n", live.measuredRtoMillis());
      try (Connection c = app();
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT inet_server_port()")) {
        r.next();
        assertThat(r.getInt(1)).isEqualTo(EAST);
      }
    } finally {
      WorkflowStub monitor =
          client.newUntypedWorkflowStub(ClusterMonitorWorkflow.workflowId(CLUSTER));
      monitor.terminate("test over");
    }
  }

  @Test
  @Order(5)
  void aLossOverTheBudgetWaitsForApprovalRejectionUnfencesApprovalPromotes() throws Exception {
    String async = "pairasync";
    try (Connection c = PgPair.superuser(EAST, "shop");
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM RESET synchronous_standby_names");
      s.execute("SELECT pg_reload_conf()");
    }
    // West stops receiving, so the rows below exist on east only.
    try (Connection c = PgPair.superuser(WEST, "shop");
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET primary_conninfo = ''");
      s.execute("SELECT pg_reload_conf()");
    }
    sleep(1000);
    try (Connection c = app();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO writes (id) SELECT -1000 - g FROM generate_series(1, 100) g");
    }

    FailoverWorkflow rejected = failoverStub(async);
    WorkflowClient.start(
        rejected::failover,
        FailoverRequest.manual(
            async, FailoverRequest.FAILOVER, "pair-west", "drill", "FailoverIT"));
    awaitStep(rejected, "awaiting-approval");
    assertThat(rejected.progress().estimatedLossBytes()).isPositive();
    // East is fenced (read-only), stopped and demoted on disk while the failover waits: nobody can
    // write to it.
    assertThatThrownBy(
            () -> {
              try (Connection c = PgPair.superuser(EAST, "shop");
                  Statement s = c.createStatement()) {
                s.execute("INSERT INTO writes (id) VALUES (-5000)");
              }
            })
        .as("east takes no writes while the failover waits")
        .isNotNull();
    assertThat(rejected.progress().fencing())
        .anyMatch(
            f ->
                f.layer().equals("server east")
                    && f.detail().equals("stopped; demoted on disk (standby.signal)"));
    rejected.decide(new FailoverApproval("ana", false, 0, "east is fine"));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(rejected).getResult(FailoverResult.class))
        .hasRootCauseMessage(
            "message='rejected by ana: east is fine', type='FailoverRejected', nonRetryable=true");
    try (Connection c = app();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO writes (id) VALUES (-5001)");
      try (ResultSet r = s.executeQuery("SELECT inet_server_port()")) {
        r.next();
        assertThat(r.getInt(1)).as("rejection unfenced east and resumed PgBouncer").isEqualTo(EAST);
      }
    }

    FailoverWorkflow approved = failoverStub(async);
    WorkflowClient.start(
        approved::failover,
        FailoverRequest.manual(
            async, FailoverRequest.FAILOVER, "pair-west", "drill", "FailoverIT"));
    awaitStep(approved, "awaiting-approval");
    long estimate = approved.progress().estimatedLossBytes();
    approved.decide(new FailoverApproval("ana", true, estimate, "west must take over"));
    FailoverResult result = WorkflowStub.fromTyped(approved).getResult(FailoverResult.class);

    assertThat(result.newPrimary()).isEqualTo("west");
    assertThat(result.approvedBy()).isEqualTo("ana");
    assertThat(result.estimatedLossBytes()).isEqualTo(estimate).isPositive();
    assertThat(ids(WEST)).as("the accepted loss").doesNotContain(-1001L, -5001L);

    FailbackResult back =
        client
            .newWorkflowStub(
                FailbackWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(FailbackWorkflow.workflowId(async))
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .build())
            .failback(new FailbackRequest(async, true, "FailoverIT"));
    assertThat(back.primary()).isEqualTo("east");
  }

  private static void awaitStep(FailoverWorkflow workflow, String step) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!step.equals(workflow.progress().step())) {
      assertThat(System.currentTimeMillis())
          .as("failover reaches " + step + "; it is at " + workflow.progress().step())
          .isLessThan(deadline);
      sleep(200);
    }
  }

  // ----- helpers -----

  private DisasterSimulationWorkflow simulation() {
    return client.newWorkflowStub(
        DisasterSimulationWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(DisasterSimulationWorkflow.workflowId(CLUSTER))
            .setTaskQueue(TaskQueues.ORCHESTRATION)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
            .build());
  }

  private static MonitorStatus awaitMonitor(
      ClusterMonitorWorkflow monitor, java.util.function.Predicate<MonitorStatus> condition) {
    long deadline = System.currentTimeMillis() + 90_000;
    MonitorStatus status = monitor.status();
    while (!condition.test(status)) {
      assertThat(System.currentTimeMillis()).as("monitor status " + status).isLessThan(deadline);
      sleep(200);
      status = monitor.status();
    }
    return status;
  }

  private static void kill9(String node) throws Exception {
    String pid = Files.readAllLines(dir.resolve(node + "/postmaster.pid")).get(0).strip();
    new ProcessBuilder("kill", "-9", pid).start().waitFor();
  }

  private static void startEast() throws Exception {
    List<String> start = new ArrayList<>(PgRun.asServerUser());
    start.addAll(
        List.of(
            PgRun.pgCtl(),
            "-D",
            dir.resolve("east").toString(),
            "-l",
            dir.resolve("east.log").toString(),
            "-w",
            "start"));
    // Backends of a killed postmaster linger until they notice; the shared memory they hold
    // makes a start fail meanwhile, as it would for an operator.
    long deadline = System.currentTimeMillis() + 30_000;
    while (new ProcessBuilder(start).inheritIO().start().waitFor() != 0) {
      assertThat(System.currentTimeMillis()).as("east restarts").isLessThan(deadline);
      sleep(1000);
    }
  }

  private FailoverWorkflow failoverStub() {
    return failoverStub(CLUSTER);
  }

  private FailoverWorkflow failoverStub(String cluster) {
    return client.newWorkflowStub(
        FailoverWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(FailoverWorkflow.workflowId(cluster))
            .setTaskQueue(TaskQueues.ORCHESTRATION)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
  }

  /** Inserts rows through PgBouncer as fast as it can, reconnecting through the same URL. */
  private static final class Writer implements Runnable {
    final Set<Long> committed = new ConcurrentSkipListSet<>();
    final AtomicBoolean stop = new AtomicBoolean();
    volatile int failures;
    volatile String lastError;

    @Override
    public void run() {
      long id = 0;
      Connection c = null;
      long deadline = System.currentTimeMillis() + 120_000;
      while (!stop.get() && System.currentTimeMillis() < deadline) {
        try {
          if (c == null) {
            c = app();
          }
          try (PreparedStatement s = c.prepareStatement("INSERT INTO writes (id) VALUES (?)")) {
            s.setLong(1, ++id);
            s.executeUpdate();
          }
          committed.add(id);
        } catch (Exception e) {
          failures++;
          lastError = e.getMessage();
          try {
            if (c != null) {
              c.close();
            }
          } catch (Exception ignored) {
            // The connection is gone either way.
          }
          c = null;
          sleep(100);
        }
      }
    }
  }

  private static void awaitCommits(Writer writer, int count) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (writer.committed.size() < count) {
      assertThat(System.currentTimeMillis())
          .as("writer reaches " + count + "; last error: " + writer.lastError)
          .isLessThan(deadline);
      sleep(50);
    }
  }

  private static Set<Long> ids(int port) throws Exception {
    Set<Long> ids = new TreeSet<>();
    try (Connection c = PgPair.superuser(port, "shop");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM writes")) {
      while (r.next()) {
        ids.add(r.getLong(1));
      }
    }
    return ids;
  }

  private static Connection app() throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "shop");
    props.setProperty("password", secret("pg-shop-app"));
    props.setProperty("prepareThreshold", "0");
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + BOUNCER + "/shop", props);
  }

  private static String secret(String name) throws Exception {
    return Files.readString(RealStack.config().secretsDir().resolve(name)).strip();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How the test runs pg_ctl: as postgres when root, like the stack. */
  private static final class PgRun {
    static List<String> asServerUser() {
      return "root".equals(System.getProperty("user.name"))
          ? List.of("runuser", "-u", "postgres", "--")
          : List.of();
    }

    static String pgCtl() {
      return dev.lifeboat.activities.postgres.PgTools.find("pg_ctl").toString();
    }
  }
}
