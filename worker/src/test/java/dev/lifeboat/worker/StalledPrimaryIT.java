package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.MonitorStatus;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary that stalls (SIGSTOP of the postmaster and its children: a frozen VM, a stuck disk)
 * rather than dies, on a synchronous pair watched by the monitor: a stall shorter than the
 * detection window fails nothing over; a longer one fails over once, and the stalled primary is
 * killed and demoted on disk, so when it is resumed or restarted it takes no write. Every write the
 * client saw acknowledged is on the new primary, and at no sampled instant did two nodes take a
 * write.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StalledPrimaryIT {

  private static final String PAIR = "stall";
  private static final int EAST = 56561;
  private static final int WEST = 56562;
  private static final int BOUNCER = 56563;

  @TempDir static Path logs;

  private static PairHarness harness;
  private static StackClient stack;
  private static WorkflowClient client;
  private static WritableSampler sampler;
  private static WriteLog writes;
  private static long testsStartedAt;

  @BeforeAll
  static void up() throws Exception {
    harness = PairHarness.up(PAIR, EAST, WEST, BOUNCER, true);
    stack = harness.stack;
    client = harness.client;
    Path config = logs.resolve("stall.yaml");
    Files.writeString(
        config,
        harness.pair.config(
            "    replication: synchronous\n"
                + "    health: {interval: 1s, failuresBeforeDown: 3, probeTimeout: 3s}\n"
                + "    failover: {automatic: true, rpoBudgetBytes: 0}\n",
            "stall-east",
            "stall-west"));
    harness.own(WorkerProcess.start(config, Map.of(), logs));
    testsStartedAt = System.currentTimeMillis();
    sampler = harness.own(WritableSampler.start("postgres", EAST, 200, 3_000, EAST, WEST));
    writes = harness.own(WriteLog.start(EAST, "postgres", 5_000));
    harness.startMonitor();
    PairChecks.await(
        "the monitor sees east as primary",
        Duration.ofSeconds(90),
        () -> "east".equals(harness.primary()));
  }

  @AfterAll
  static void down() throws Exception {
    if (harness != null) {
      PgPair.script("resume", PAIR, "east");
      harness.close();
    }
  }

  @Test
  @Order(1)
  void aStallShorterThanTheDetectionWindowFailsNothingOver() throws Exception {
    long rounds = status().rounds();
    PgPair.script("stall", PAIR, "east");
    Thread.sleep(1_500);
    PgPair.script("resume", PAIR, "east");
    PairChecks.await(
        "ten more rounds", Duration.ofSeconds(120), () -> status().rounds() >= rounds + 10);

    assertThat(stack.startedSince(FailoverWorkflow.workflowId(PAIR), testsStartedAt))
        .as("no failover started")
        .isFalse();
    assertThat(status().primary()).isEqualTo("east");
    assertThat(PairChecks.inRecovery(EAST)).isFalse();
    assertThat(writes.missingOn(EAST)).isEmpty();
    assertThat(sampler.splitBrains()).isEmpty();
  }

  @Test
  @Order(2)
  void aLongerStallFailsOverOnceAndTheResumedPrimaryTakesNoWrite() throws Exception {
    PgPair.script("stall", PAIR, "east");
    PairChecks.await(
        "the monitor fails over to west",
        Duration.ofSeconds(120),
        () ->
            "west".equals(primary())
                && stack.startedSince(FailoverWorkflow.workflowId(PAIR), testsStartedAt));
    FailoverResult result =
        client
            .newUntypedWorkflowStub(FailoverWorkflow.workflowId(PAIR))
            .getResult(3, TimeUnit.MINUTES, FailoverResult.class);
    assertThat(result.newPrimary()).isEqualTo("west");
    assertThat(result.approvedBy()).as("the stop held: no approval needed").isNull();
    assertThat(result.fencing())
        .anyMatch(
            f -> f.layer().equals("server east") && f.done() && f.detail().contains("demoted"));

    // Resumed (nothing left to resume: it was killed) and then started as an init system would.
    PgPair.script("resume", PAIR, "east");
    assertThat(PgPair.script("running", PAIR, "east")).containsExactly("stopped");
    PgPair.script("start", PAIR, "east");
    assertThat(PairChecks.inRecovery(EAST)).as("east came back as a server in recovery").isTrue();

    writes.stop();
    assertThat(writes.acknowledgedCount()).isPositive();
    assertThat(writes.missingOn(WEST)).as("acknowledged writes lost").isEmpty();
    sampler.close();
    assertThat(sampler.splitBrains()).isEmpty();
    assertThat(sampler.writableCounts()).containsKeys(EAST, WEST);
  }

  // ----- helpers -----

  private static MonitorStatus status() {
    return harness.monitorStatus();
  }

  private static String primary() {
    return harness.primary();
  }
}
