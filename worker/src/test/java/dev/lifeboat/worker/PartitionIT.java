package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.FailoverResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition between Lifeboat and the primary while the primary's clients still reach it: every
 * Lifeboat connection to east goes through a TCP proxy the test cuts, clients write to east
 * directly. A quorum sees east gone, so the monitor fails over; the failover cannot fence east over
 * the network, but its host's worker stops and demotes it through the data directory, so the fence
 * holds without a person and the clients that still reached east lose it instead of writing beside
 * the new primary. No acknowledged write is lost (synchronous replication), and at no sampled
 * instant did two nodes take a write.
 */
class PartitionIT {

  private static final String PAIR = "part";
  private static final int EAST = 56591;
  private static final int WEST = 56592;
  private static final int BOUNCER = 56593;
  private static final int EAST_FOR_LIFEBOAT = 56594;

  @TempDir static Path logs;

  private static PairHarness harness;
  private static StackClient stack;
  private static TcpProxy proxy;
  private static WritableSampler sampler;
  private static WriteLog writes;

  @BeforeAll
  static void up() throws Exception {
    harness = PairHarness.up(PAIR, EAST, WEST, BOUNCER, true);
    stack = harness.stack;
    proxy = harness.own(TcpProxy.start(EAST_FOR_LIFEBOAT, EAST));
    Path config = logs.resolve("part.yaml");
    // Lifeboat reaches east only through the proxy; replication and clients do not.
    Files.writeString(
        config,
        harness
            .pair
            .config(
                "    replication: synchronous\n"
                    + "    health: {interval: 1s, failuresBeforeDown: 2, probeTimeout: 3s}\n"
                    + "    failover: {automatic: true, rpoBudgetBytes: 0}\n",
                "part-east",
                "part-west")
            .replace("port: " + EAST + ",", "port: " + EAST_FOR_LIFEBOAT + ","));
    harness.own(WorkerProcess.start(config, Map.of(), logs));
    harness.startMonitor();
    PairChecks.await(
        "the monitor sees east as primary",
        Duration.ofSeconds(90),
        () -> "east".equals(harness.primary()));
    sampler = harness.own(WritableSampler.start("postgres", EAST, 200, 3_000, EAST, WEST));
    writes = harness.own(WriteLog.start(EAST, "postgres", 5_000));
  }

  @AfterAll
  static void down() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void cutOffFromLifeboatTheLivePrimaryIsStoppedThroughItsHostBeforeTheStandbyIsPromoted()
      throws Exception {
    long cutAt = System.currentTimeMillis();
    proxy.cut();

    PairChecks.await(
        "the monitor fails over to west",
        Duration.ofSeconds(120),
        () -> "west".equals(harness.primary()));
    assertThat(stack.startedSince(FailoverWorkflow.workflowId(PAIR), cutAt)).isTrue();
    FailoverResult result =
        stack
            .client
            .newUntypedWorkflowStub(FailoverWorkflow.workflowId(PAIR))
            .getResult(3, TimeUnit.MINUTES, FailoverResult.class);
    assertThat(result.approvedBy()).as("the fence held without a person").isNull();
    assertThat(result.fencing())
        .anyMatch(f -> f.layer().equals("writes on east") && !f.done())
        .anyMatch(
            f ->
                f.layer().equals("server east")
                    && f.done()
                    && f.detail().startsWith("stopped; demoted on disk"));
    assertThat(PgPair.script("running", PAIR, "east")).containsExactly("stopped");

    writes.stop();
    sampler.close();
    assertThat(writes.acknowledgedCount()).isPositive();
    assertThat(writes.missingOn(WEST)).as("acknowledged writes lost").isEmpty();
    assertThat(sampler.splitBrains()).as("instants with two writable nodes").isEmpty();
    assertThat(PairChecks.primaries(EAST, WEST)).containsExactly(WEST);
  }
}
