package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.FailbackWorkflow;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailbackRequest;
import dev.lifeboat.workflows.model.FailbackResult;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverProgress;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos soak: a synchronous pair under continuous writes through PgBouncer, watched by the
 * monitor, with one worker process per region, while faults land at random (seeded): a region's
 * worker SIGKILLed and started again, the primary's postmaster SIGKILLed (the monitor fails over,
 * then a failback rejoins the old primary and switches back; at least two such cycles) and the
 * Temporal server SIGKILLed and started again once. At the end it prints the invariants as a table
 * and checks them: no acknowledged write lost (the budget is 0 with synchronous replication), never
 * two nodes taking writes at a sampled instant, one primary, every workflow it caused finished, no
 * worker left behind.
 *
 * <p>Bounded: {@code -Dlifeboat.chaos.seconds} (120 by default inside {@code ./lifeboat test};
 * {@code ./lifeboat chaos} runs 600), {@code -Dlifeboat.chaos.seed} replays a schedule. Everything
 * runs on loopback.
 */
class ChaosSoakIT {

  private static final String PAIR = "chaos";
  private static final int EAST = 56581;
  private static final int WEST = 56582;
  private static final int BOUNCER = 56583;

  private static final long SECONDS = Long.getLong("lifeboat.chaos.seconds", 120);
  private static final long SEED = Long.getLong("lifeboat.chaos.seed", System.nanoTime());

  @TempDir static Path logs;

  private static PairHarness harness;
  private static StackClient stack;
  private static WorkflowClient client;
  private static final Map<String, Path> configs = new TreeMap<>();
  private static final Map<String, WorkerProcess> workers = new TreeMap<>();
  private static WritableSampler sampler;
  private static WriteLog writes;
  private static final List<String> timeline = new ArrayList<>();
  private static long startedAt;

  @BeforeAll
  static void up() throws Exception {
    harness = PairHarness.up(PAIR, EAST, WEST, BOUNCER, true);
    stack = harness.stack;
    client = harness.client;
    for (String node : List.of("east", "west")) {
      Path file = logs.resolve("chaos-" + node + ".yaml");
      Files.writeString(
          file,
          harness.pair.config(
              "    replication: synchronous\n"
                  + "    health: {interval: 1s, failuresBeforeDown: 2, probeTimeout: 3s}\n"
                  + "    failover: {automatic: true, rpoBudgetBytes: 0, escalateAfter: 1m,"
                  + " approvalTimeout: 5m}\n",
              "chaos-" + node));
      configs.put(node, file);
      workers.put(node, harness.own(WorkerProcess.start(file, Map.of(), logs)));
    }
    startedAt = System.currentTimeMillis();
    harness.startMonitor();
    PairChecks.await(
        "the monitor sees east", Duration.ofSeconds(90), () -> "east".equals(harness.primary()));
    sampler = harness.own(WritableSampler.start("shop", EAST, 200, 1_000_000, EAST, WEST));
    writes = harness.own(WriteLog.start(ChaosSoakIT::throughPgBouncer, "shop", 1_000_000));
  }

  @AfterAll
  static void down() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void underRandomFaultsNothingAcknowledgedIsLostAndNeverTwoPrimariesTakeWrites() throws Exception {
    Random random = new Random(SEED);
    long deadline = startedAt + SECONDS * 1000;
    long[] cycleAt = {startedAt + SECONDS * 150, startedAt + SECONDS * 550};
    long temporalAt = startedAt + SECONDS * 350;
    int cycles = 0;
    boolean temporalRestarted = false;
    event("soak of " + SECONDS + " s, seed " + SEED);
    while (System.currentTimeMillis() < deadline || cycles < 2 || !temporalRestarted) {
      long now = System.currentTimeMillis();
      if (cycles < 2 && now >= cycleAt[cycles]) {
        failoverAndFailBack();
        cycles++;
      } else if (!temporalRestarted && now >= temporalAt) {
        event("Temporal server SIGKILLed");
        PairChecks.stackScript("kill", "temporal");
        Thread.sleep(1000 + random.nextInt(2000));
        PairChecks.stackScript("start", "temporal");
        event("Temporal server started again");
        temporalRestarted = true;
      } else {
        String node = random.nextBoolean() ? "east" : "west";
        event("worker of chaos-" + node + " SIGKILLed");
        workers.get(node).kill();
        Thread.sleep(1000 + random.nextInt(4000));
        workers.put(node, harness.own(WorkerProcess.start(configs.get(node), Map.of(), logs)));
        event("worker of chaos-" + node + " started again");
      }
      approveWhatWaits();
      Thread.sleep(2000 + random.nextInt(6000));
    }

    writes.stop();
    sampler.close();
    List<Integer> primaries = PairChecks.primaries(EAST, WEST);
    int finalPrimary = primaries.isEmpty() ? EAST : primaries.get(0);
    List<Long> lost = writes.missingOn(finalPrimary);
    Map<String, Integer> closed = workflowsSince(startedAt);
    long stillRunning =
        closed.entrySet().stream()
            .filter(e -> e.getKey().endsWith("Running") && !e.getKey().startsWith("Cluster"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    long unfinished =
        closed.entrySet().stream()
            .filter(e -> e.getKey().matches(".*(Failed|Terminated|TimedOut|Canceled)"))
            .mapToLong(Map.Entry::getValue)
            .sum();

    List<String[]> table = new ArrayList<>();
    table.add(
        row(
            "no acknowledged write lost (budget 0, synchronous)",
            lost.isEmpty(),
            writes.acknowledgedCount() + " acknowledged, " + lost.size() + " missing"));
    table.add(
        row(
            "never two nodes took a write at a sampled instant",
            sampler.splitBrains().isEmpty(),
            sampler.samples() + " samples, " + sampler.splitBrains().size() + " with two"));
    table.add(
        row("exactly one primary at the end", primaries.size() == 1, "primaries " + primaries));
    table.add(
        row(
            "every workflow it caused finished or runs healthily",
            stillRunning == 0 && unfinished == 0,
            closed.toString()));
    table.add(row("two failover/failback cycles", cycles >= 2, cycles + " cycles"));
    table.add(row("the Temporal server restarted once", temporalRestarted, ""));
    String report = report(table);
    System.out.println(report);
    Files.writeString(
        RealStack.ROOT.resolve("worker/target/chaos-report.md"),
        report,
        java.nio.charset.StandardCharsets.UTF_8);

    assertThat(lost).as("acknowledged writes lost").isEmpty();
    assertThat(sampler.splitBrains()).as("instants with two writable nodes").isEmpty();
    assertThat(primaries).hasSize(1);
    assertThat(stillRunning + unfinished).as("workflows not finished: " + closed).isZero();
    assertThat(writes.acknowledgedCount()).isPositive();
  }

  /** Kills the primary's postmaster, waits for the monitor's failover, then fails back. */
  private static void failoverAndFailBack() throws Exception {
    String old = primary();
    String standby = "east".equals(old) ? "west" : "east";
    event("postmaster of " + old + " SIGKILLed");
    PgPair.script("crash", PAIR, old);
    PairChecks.await(
        "the monitor fails over to " + standby,
        Duration.ofSeconds(180),
        () -> {
          approveWhatWaits();
          return standby.equals(primary());
        });
    event("monitor: " + standby + " is primary");
    FailbackResult back =
        client
            .newWorkflowStub(
                FailbackWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId(FailbackWorkflow.workflowId(PAIR))
                    .setTaskQueue(TaskQueues.ORCHESTRATION)
                    .setWorkflowExecutionTimeout(Duration.ofMinutes(10))
                    .build())
            .failback(new FailbackRequest(PAIR, true, "chaos soak"));
    event("failback: " + back.primary() + " is primary, " + back.rejoined().size() + " rejoined");
  }

  /**
   * The soak's person on call: a failover waiting for an approval (a fault landed on the fence) is
   * approved once nothing but the standby can be promoted, as the runbook says.
   */
  private static void approveWhatWaits() {
    try {
      FailoverWorkflow failover =
          client.newWorkflowStub(FailoverWorkflow.class, FailoverWorkflow.workflowId(PAIR));
      FailoverProgress p = failover.progress();
      if ("awaiting-approval".equals(p.step())) {
        failover.decide(
            new FailoverApproval("chaos", true, p.estimatedLossBytes(), p.approvalNeededBecause()));
        event("approved a failover that waited: " + p.approvalNeededBecause());
      }
    } catch (RuntimeException noneWaits) {
      // No failover, or none that waits.
    }
  }

  private static String primary() {
    return harness.primary();
  }

  /** Counts of the pair's workflows started since the soak began, by type and status. */
  private static Map<String, Integer> workflowsSince(long since) {
    Map<String, Integer> counts = new TreeMap<>();
    var response =
        stack
            .service
            .blockingStub()
            .listWorkflowExecutions(
                ListWorkflowExecutionsRequest.newBuilder()
                    .setNamespace(stack.namespace)
                    .setQuery(
                        "DrCluster='"
                            + PAIR
                            + "' AND StartTime >= '"
                            + Instant.ofEpochMilli(since)
                            + "'")
                    .setPageSize(1000)
                    .build());
    for (var info : response.getExecutionsList()) {
      StringBuilder status = new StringBuilder();
      for (String word :
          info.getStatus().name().replace("WORKFLOW_EXECUTION_STATUS_", "").split("_")) {
        status.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
      }
      String key = info.getType().getName().replace("Workflow", "") + " " + status;
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }

  private static Connection throughPgBouncer() throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "shop");
    props.setProperty(
        "password",
        Files.readString(RealStack.config().secretsDir().resolve("pg-shop-app")).strip());
    props.setProperty("prepareThreshold", "0");
    props.setProperty("connectTimeout", "5");
    props.setProperty("socketTimeout", "30");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + BOUNCER + "/shop", props);
  }

  private static void event(String what) {
    String line =
        String.format(
            java.util.Locale.ROOT,
            "%6.1f s  %s",
            (System.currentTimeMillis() - startedAt) / 1000.0,
            what);
    timeline.add(line);
    System.out.println("chaos: " + line);
  }

  private static String[] row(String invariant, boolean held, String measured) {
    return new String[] {invariant, held ? "held" : "VIOLATED", measured};
  }

  private static String report(List<String[]> table) {
    StringBuilder out = new StringBuilder();
    out.append("Chaos soak of ")
        .append(SECONDS)
        .append(" s, seed ")
        .append(SEED)
        .append(", ")
        .append(Instant.ofEpochMilli(startedAt))
        .append("\n\n| invariant | result | measured |\n|---|---|---|\n");
    for (String[] r : table) {
      out.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    out.append("\nTimeline:\n\n```\n");
    timeline.forEach(line -> out.append(line).append('\n'));
    return out.append("```\n").toString();
  }
}
