package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverProgress;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.MonitorStatus;
import dev.lifeboat.workflows.model.MonitoredNode;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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
 * The faults that made split brains, on a real pair with one worker process per region, as the
 * issue's reproduction had it: the loss of one region's worker alone (its database healthy) never
 * fails over; the loss of the whole region (database and worker) waits for an approval, then
 * promotes once; a demoted primary restarted behind Lifeboat's back is stopped every time. A
 * client-side write log checks that no acknowledged write is lost, and a sampler that at no sampled
 * instant two nodes take a plain write. The tests run in order on one pair.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitBrainIT {

  private static final String PAIR = "brain";
  private static final int EAST = 56551;
  private static final int WEST = 56552;
  private static final int BOUNCER = 56553;

  @TempDir static Path logs;

  private static PairHarness harness;
  private static PgPair pair;
  private static StackClient stack;
  private static WorkflowClient client;
  private static Path eastConfig;
  private static Path westConfig;
  private static WorkerProcess eastWorker;
  private static WritableSampler sampler;
  private static WriteLog writes;

  @BeforeAll
  static void up() throws Exception {
    harness = PairHarness.up(PAIR, EAST, WEST, BOUNCER, false);
    pair = harness.pair;
    stack = harness.stack;
    client = harness.client;
    eastConfig = config("brain-east");
    westConfig = config("brain-west");
    eastWorker = harness.own(WorkerProcess.start(eastConfig, Map.of(), logs));
    harness.own(WorkerProcess.start(westConfig, Map.of(), logs));
    sampler = harness.own(WritableSampler.start("postgres", EAST, 200, 3_000, EAST, WEST));
    writes = harness.own(WriteLog.start(EAST, "postgres", 5_000));
  }

  /** Each worker serves one region (and the orchestration queue), as on two hosts. */
  private static Path config(String region) throws Exception {
    Path file = logs.resolve(region + ".yaml");
    Files.writeString(
        file,
        pair.config(
            "    replication: asynchronous\n"
                + "    health: {interval: 1s, failuresBeforeDown: 2, probeTimeout: 3s}\n"
                + "    failover: {automatic: true, rpoBudgetBytes: 16777216, escalateAfter: 2m,"
                + " approvalTimeout: 5m}\n",
            region));
    return file;
  }

  @AfterAll
  static void down() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  @Order(1)
  void losingOnlyThePrimaryRegionsWorkerNeverFailsOverTheHealthyPrimary() throws Exception {
    long startedAt = System.currentTimeMillis() / 1000 * 1000;
    harness.startMonitor();
    PairChecks.await(
        "the monitor sees east as primary", Duration.ofSeconds(90), () -> roundsSeen(3));
    assertThat(status().primary()).isEqualTo("east");

    eastWorker.kill();
    long roundsAtKill = status().rounds();
    // Ten rounds at least, five times what a DOWN verdict needs.
    PairChecks.await(
        "ten rounds without east's worker",
        Duration.ofSeconds(90),
        () -> roundsSeen(roundsAtKill + 10));

    MonitorStatus status = status();
    assertThat(status.primary()).isEqualTo("east");
    assertThat(node(status, "east").verdict())
        .as("west's worker still reaches east; east's own probes never come back")
        .isEqualTo(MonitoredNode.UP);
    assertThat(stack.startedSince(FailoverWorkflow.workflowId(PAIR), startedAt))
        .as("no failover was started")
        .isFalse();
    assertThat(PairChecks.primaries(EAST, WEST)).containsExactly(EAST);
    assertThat(sampler.splitBrains()).isEmpty();
    assertThat(writes.missingOn(EAST)).isEmpty();
  }

  @Test
  @Order(2)
  void losingTheWholeRegionWaitsForAnApprovalThenPromotesOnce() throws Exception {
    // Nothing acknowledged may be lost: stop writing and let west replay everything first.
    writes.stop();
    waitForWestToReplayEast();
    int acknowledged = writes.acknowledgedCount();
    assertThat(acknowledged).isPositive();

    PgPair.script("crash", PAIR, "east");

    FailoverWorkflow failover =
        client.newWorkflowStub(FailoverWorkflow.class, FailoverWorkflow.workflowId(PAIR));
    PairChecks.await(
        "the monitor's failover waits for an approval",
        Duration.ofSeconds(120),
        () -> "awaiting-approval".equals(stepOf(failover)));
    FailoverProgress progress = failover.progress();
    assertThat(progress.oldPrimary()).isEqualTo("east");
    assertThat(progress.approvalNeededBecause())
        .contains("never came back")
        .contains("a crash cannot be told from a partition");
    assertThat(PairChecks.primaries(EAST, WEST))
        .as("nothing promoted before the approval")
        .isEmpty();

    failover.decide(
        new FailoverApproval("ana", true, progress.estimatedLossBytes(), "east's region is gone"));
    FailoverResult result =
        WorkflowStub.fromTyped(failover).getResult(3, TimeUnit.MINUTES, FailoverResult.class);

    assertThat(result.newPrimary()).isEqualTo("west");
    assertThat(result.approvedBy()).isEqualTo("ana");
    assertThat(PairChecks.primaries(EAST, WEST)).containsExactly(WEST);
    assertThat(writes.missingOn(WEST)).as("acknowledged writes lost").isEmpty();
    assertThat(sampler.splitBrains()).isEmpty();
  }

  @Test
  @Order(3)
  void theReplacedPrimaryIsDemotedOnDiskSoARestartCannotTakeAWriteEvenFromAClientThatUndoes()
      throws Exception {
    eastWorker = harness.own(WorkerProcess.start(eastConfig, Map.of(), logs));
    Path marker = pair.dir.resolve("east/lifeboat.demoted");
    PairChecks.await(
        "the monitor demotes the absent east on disk once its host's worker is back",
        Duration.ofSeconds(90),
        () -> Files.exists(marker));

    PgPair.script("start", PAIR, "east");

    assertThat(PairChecks.inRecovery(EAST)).as("east restarted as a server in recovery").isTrue();
    assertThat(undoAndWrite(EAST))
        .as("a client that turns read-only off and writes")
        .containsAnyOf("read-only transaction", "during recovery");
    assertThat(PairChecks.primaries(EAST, WEST)).containsExactly(WEST);
    sampler.close();
    assertThat(sampler.splitBrains()).isEmpty();
    assertThat(sampler.writableCounts()).as("the sampler saw writable nodes").containsKey(WEST);
  }

  @Test
  @Order(4)
  void aDemotedPrimaryStartedAsAPrimaryByHandIsStoppedEveryTime() throws Exception {
    for (int time = 1; time <= 2; time++) {
      // Someone removes the demotion and starts it: it answers as a primary on the old timeline.
      PgPair.script("crash", PAIR, "east");
      PairChecks.await("east is down", Duration.ofSeconds(30), () -> isStopped("east"));
      Files.deleteIfExists(pair.dir.resolve("east/standby.signal"));
      Files.deleteIfExists(pair.dir.resolve("east/lifeboat.demoted"));
      PgPair.script("start", PAIR, "east");
      assertThat(PairChecks.inRecovery(EAST)).as("east started as a primary").isFalse();
      Path marker = pair.dir.resolve("east/lifeboat.demoted");
      PairChecks.await(
          "east, started as a primary by hand (" + time + "), is stopped and demoted again",
          Duration.ofSeconds(90),
          () -> isStopped("east") && Files.exists(marker));
    }
    assertThat(PairChecks.primaries(EAST, WEST)).containsExactly(WEST);
  }

  // ----- helpers -----

  private static MonitorStatus status() {
    return harness.monitorStatus();
  }

  private static boolean roundsSeen(long rounds) {
    try {
      return status().rounds() >= rounds;
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static MonitoredNode node(MonitorStatus status, String name) {
    return status.nodes().stream().filter(n -> n.node().equals(name)).findFirst().orElseThrow();
  }

  private static String stepOf(FailoverWorkflow failover) {
    try {
      return failover.progress().step();
    } catch (RuntimeException notYet) {
      return null;
    }
  }

  private static void waitForWestToReplayEast() throws Exception {
    String lsn;
    try (Connection c = PgPair.superuser(EAST, "postgres");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      r.next();
      lsn = r.getString(1);
    }
    PairChecks.await(
        "west replays east up to " + lsn,
        Duration.ofSeconds(60),
        () -> {
          try (Connection c = PgPair.superuser(WEST, "postgres");
              Statement s = c.createStatement();
              ResultSet r =
                  s.executeQuery("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn")) {
            r.next();
            return r.getBoolean(1);
          } catch (Exception e) {
            return false;
          }
        });
  }

  private static boolean isStopped(String node) throws Exception {
    return PgPair.script("running", PAIR, node).contains("stopped");
  }

  /** What a client that undoes a read-only fence gets for its write: null when it was taken. */
  private static String undoAndWrite(int port) throws Exception {
    try (Connection c = PgPair.superuser(port, "postgres");
        Statement s = c.createStatement()) {
      s.execute("SET default_transaction_read_only = off");
      s.executeUpdate("INSERT INTO write_log VALUES (-1, now())");
      return null;
    } catch (java.sql.SQLException refused) {
      return refused.getMessage();
    }
  }
}
