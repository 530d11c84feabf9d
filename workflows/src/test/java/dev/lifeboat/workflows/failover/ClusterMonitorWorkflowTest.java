package dev.lifeboat.workflows.failover;

import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverPolicy;
import dev.lifeboat.workflows.model.FailoverProgress;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.HealthSettings;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.MonitorStatus;
import dev.lifeboat.workflows.model.MonitoredNode;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClusterMonitorWorkflowTest {

  /** The failovers the monitor started, recorded by the fake below. */
  static final List<FailoverRequest> STARTED = new CopyOnWriteArrayList<>();

  /** Stands in for the real saga: records the request and says tokyo took over. */
  public static class RecordingFailover implements FailoverWorkflow {
    @Override
    public FailoverResult failover(FailoverRequest request) {
      STARTED.add(request);
      return new FailoverResult(
          request.cluster(),
          request.mode(),
          request.reason(),
          request.requestedBy(),
          "sydney",
          "tokyo",
          "tokyo",
          null,
          null,
          null,
          0,
          null,
          0,
          0,
          0,
          0,
          0,
          0);
    }

    @Override
    public FailoverProgress progress() {
      return null;
    }

    @Override
    public String decide(FailoverApproval approval) {
      return "";
    }

    @Override
    public void validateDecision(FailoverApproval approval) {}
  }

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(ClusterMonitorWorkflowImpl.class, RecordingFailover.class)
          .setDoNotStart(true)
          .build();

  private static final ClusterSpec SHOP =
      new ClusterSpec(
          "shop",
          "active-passive",
          List.of(SYDNEY, TOKYO),
          false,
          ClusterSpec.ASYNCHRONOUS,
          new HealthSettings(1000, 3, 500, List.of()),
          FailoverPolicy.defaults(),
          List.of());

  private final AtomicBoolean sydneyDown = new AtomicBoolean();

  /** Sydney's worker is gone: every activity on the sydney queue fails. */
  private final AtomicBoolean sydneyWorkerGone = new AtomicBoolean();

  /** Tokyo was promoted (timeline 2) and sydney answers again as a primary on timeline 1. */
  private final AtomicBoolean tokyoPromoted = new AtomicBoolean();

  private PostgresActivities postgres;

  private void wire(TestWorkflowEnvironment env, Worker worker) {
    STARTED.clear();
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster("shop")).thenReturn(SHOP);
    postgres = mock(PostgresActivities.class, withSettings().withoutAnnotations());
    when(postgres.probe(SYDNEY))
        .thenAnswer(
            i ->
                sydneyDown.get()
                    ? NodeProbe.unreachable(SYDNEY, 1, "refused")
                    : Fixtures.lonelyPrimary(SYDNEY, "0/3000100"));
    when(postgres.probe(TOKYO))
        .thenAnswer(
            i -> tokyoPromoted.get() ? onTimeline2(TOKYO) : Fixtures.standby(TOKYO, "0/3000100"));
    PostgresActivities sydneyQueue = Fixtures.workerThatMayBeGone(postgres, sydneyWorkerGone::get);
    worker.registerActivitiesImplementations(topology);
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(sydneyQueue);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(postgres);
    env.start();
  }

  private static NodeProbe onTimeline2(NodeSpec node) {
    NodeProbe p = Fixtures.lonelyPrimary(node, "0/5000000");
    return new NodeProbe(
        p.node(),
        p.region(),
        true,
        NodeRole.PRIMARY,
        p.serverVersion(),
        p.systemIdentifier(),
        2,
        p.lsn(),
        null,
        List.of(),
        2,
        null,
        false);
  }

  @Test
  void losingTheRegionsWorkerAloneNeverFailsOverAHealthyPrimary(
      TestWorkflowEnvironment env, Worker worker, ClusterMonitorWorkflow monitor) {
    wire(env, worker);
    WorkflowClient.start(monitor::monitor, new MonitorRequest("shop"));
    env.sleep(Duration.ofSeconds(2));
    assertThat(monitor.status().primary()).isEqualTo("sydney");

    sydneyWorkerGone.set(true);
    env.sleep(Duration.ofSeconds(20));

    assertThat(STARTED).isEmpty();
    MonitoredNode sydney = monitor.status().nodes().get(0);
    // Tokyo's vantage point still reaches it; sydney's own probes never come back.
    assertThat(sydney.verdict()).isEqualTo(MonitoredNode.UP);
    verify(postgres, never()).stopAndDemote(any());
  }

  @Test
  void aPrimaryDownWhereverItCanBeSeenButWithoutAQuorumWaitsForAnApproval(
      TestWorkflowEnvironment env, Worker worker, ClusterMonitorWorkflow monitor) {
    wire(env, worker);
    WorkflowClient.start(monitor::monitor, new MonitorRequest("shop"));
    env.sleep(Duration.ofSeconds(2));

    // The whole region goes: its database and its worker.
    sydneyDown.set(true);
    sydneyWorkerGone.set(true);
    env.sleep(Duration.ofSeconds(8));

    assertThat(STARTED).hasSize(1);
    FailoverRequest request = STARTED.get(0);
    assertThat(request.oldPrimary()).isEqualTo("sydney");
    assertThat(request.approvalNeededBecause())
        .contains("probes from [sydney] never came back")
        .contains("a crash cannot be told from a partition");
  }

  @Test
  void aMonitorStartedWithoutAPrimaryStartsAFailoverThatWaitsForAnApproval(
      TestWorkflowEnvironment env, Worker worker, ClusterMonitorWorkflow monitor) {
    sydneyDown.set(true);
    wire(env, worker);
    WorkflowClient.start(monitor::monitor, new MonitorRequest("shop"));
    env.sleep(Duration.ofSeconds(6));

    assertThat(STARTED).hasSize(1);
    FailoverRequest request = STARTED.get(0);
    assertThat(request.oldPrimary()).isNull();
    assertThat(request.approvalNeededBecause())
        .contains("no node of shop has answered as primary")
        .contains("standby tokyo last replayed 0/3000100");
  }

  @Test
  void aDemotedPrimaryIsStoppedEveryTimeItComesBack(
      TestWorkflowEnvironment env, Worker worker, ClusterMonitorWorkflow monitor) {
    wire(env, worker);
    tokyoPromoted.set(true);
    WorkflowClient.start(monitor::monitor, new MonitorRequest("shop"));
    env.sleep(Duration.ofMillis(2500));

    assertThat(monitor.status().primary()).isEqualTo("tokyo");
    // The fake never stops: sydney answers as a primary on timeline 1 every round, and every
    // round it is stopped again, not just the first time.
    verify(postgres, atLeast(2)).stopAndDemote(SYDNEY);
    assertThat(monitor.status().nodes().get(0).verdict()).isEqualTo(MonitoredNode.FENCED);
    assertThat(STARTED).isEmpty();
  }

  @Test
  void threeFailedChecksOfThePrimaryStartOneFailoverWithTheFirstFailureTime(
      TestWorkflowEnvironment env, Worker worker, ClusterMonitorWorkflow monitor) {
    wire(env, worker);
    WorkflowClient.start(monitor::monitor, new MonitorRequest("shop"));
    env.sleep(Duration.ofSeconds(3));
    assertThat(monitor.status().primary()).isEqualTo("sydney");

    sydneyDown.set(true);
    env.sleep(Duration.ofMillis(1500));
    assertThat(monitor.status().nodes().get(0).verdict()).isEqualTo("suspect");
    assertThat(STARTED).isEmpty();
    env.sleep(Duration.ofSeconds(5));

    assertThat(STARTED).hasSize(1);
    FailoverRequest request = STARTED.get(0);
    assertThat(request.oldPrimary()).isEqualTo("sydney");
    assertThat(request.lastPrimaryLsn()).isEqualTo("0/3000100");
    // Three failed rounds, one interval apart: the verdict comes two intervals after the first.
    assertThat(request.verdictAtMillis() - request.firstFailureAtMillis())
        .isGreaterThanOrEqualTo(2000);
    MonitorStatus status = monitor.status();
    assertThat(status.primary()).isEqualTo("tokyo");
    assertThat(status.lastFailover()).startsWith("failover-shop/");
  }

  @Test
  void aPausedMonitorReportsTheDeadPrimaryButDoesNotFailOver(
      TestWorkflowEnvironment env, Worker worker, ClusterMonitorWorkflow monitor) {
    wire(env, worker);
    WorkflowClient.start(monitor::monitor, new MonitorRequest("shop"));
    env.sleep(Duration.ofSeconds(2));
    monitor.pause("kernel upgrade (ana)");

    sydneyDown.set(true);
    env.sleep(Duration.ofSeconds(6));

    assertThat(STARTED).isEmpty();
    MonitorStatus status = monitor.status();
    assertThat(status.paused()).isTrue();
    assertThat(status.nodes().get(0).verdict()).isEqualTo("down");

    monitor.resume();
    env.sleep(Duration.ofSeconds(2));
    assertThat(STARTED).hasSize(1);
  }
}
