package dev.lifeboat.workflows.replay;

import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterMonitorWorkflow;
import dev.lifeboat.workflows.failover.ClusterMonitorWorkflowImpl;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.failover.FailoverWorkflowImpl;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverPolicy;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.HealthSettings;
import dev.lifeboat.workflows.model.MonitorRequest;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Re-records the golden histories of the failover safety rules that {@link
 * FailoverSafetyReplayTest} replays: a failover whose fence did not hold (the whole primary region
 * lost) and was approved, and a monitor run that lost a region's worker and continued as new. Run
 * it only when one of these workflows changes shape on purpose, versioned with {@code
 * Workflow.getVersion}: {@code mvn -pl workflows test -Dtest=RecordFailoverSafetyHistoriesTest
 * -Dlifeboat.recordHistories=true}.
 */
@EnabledIfSystemProperty(
    named = "lifeboat.recordHistories",
    matches = "true",
    disabledReason = "records golden histories only on request (-Dlifeboat.recordHistories=true)")
class RecordFailoverSafetyHistoriesTest {

  private static final Path HISTORIES = RecordGoldenHistoriesTest.HISTORIES;

  @Test
  void recordFailoverWithAnUnheldFenceApproved() throws Exception {
    try (TestWorkflowEnvironment env = environment()) {
      ClusterSpec spec =
          new ClusterSpec(
              "shop",
              "active-passive",
              List.of(SYDNEY, TOKYO),
              true,
              ClusterSpec.ASYNCHRONOUS,
              HealthSettings.defaults(),
              new FailoverPolicy(true, 1 << 20, 0, 1 << 30, 300, 3600),
              List.of(Fixtures.BOUNCER));
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(FailoverWorkflowImpl.class);
      orchestration.registerActivitiesImplementations(topology(spec), traffic());
      PostgresActivities tokyo =
          mock(PostgresActivities.class, withSettings().withoutAnnotations());
      when(tokyo.probe(SYDNEY)).thenReturn(NodeProbe.unreachable(SYDNEY, 1, "refused"));
      when(tokyo.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/3000100"));
      when(tokyo.promote(TOKYO))
          .thenReturn(new PromotionResult("tokyo", "0/4000000", 2, 80, false));
      env.newWorker(TaskQueues.forRegion("sydney"))
          .registerActivitiesImplementations(Fixtures.workerThatMayBeGone(null, () -> true));
      env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(tokyo);
      env.start();

      FailoverWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  FailoverWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("failover-shop")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      WorkflowClient.start(
          workflow::failover,
          FailoverRequest.manual("shop", FailoverRequest.FAILOVER, null, "sydney lost", "ana"));
      while (!"awaiting-approval".equals(workflow.progress().step())) {
        env.sleep(Duration.ofMillis(500));
      }
      workflow.decide(new FailoverApproval("ana", true, 0, "sydney's region is gone"));
      WorkflowStub.fromTyped(workflow).getResult(FailoverResult.class);
      write(env, "failover-shop", null, "failover-fence-unheld-approved.json");
    }
  }

  @Test
  void recordMonitorThatLostARegionsWorkerAndContinuedAsNew() throws Exception {
    try (TestWorkflowEnvironment env = environment()) {
      ClusterSpec spec =
          new ClusterSpec(
              "shop",
              "active-passive",
              List.of(SYDNEY, TOKYO),
              true,
              ClusterSpec.ASYNCHRONOUS,
              new HealthSettings(1000, 3, 2000, List.of()),
              FailoverPolicy.defaults(),
              List.of());
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(ClusterMonitorWorkflowImpl.class);
      orchestration.registerActivitiesImplementations(topology(spec));
      PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
      when(pg.probe(SYDNEY)).thenReturn(Fixtures.lonelyPrimary(SYDNEY, "0/3000100"));
      when(pg.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/3000100"));
      AtomicBoolean sydneyGone = new AtomicBoolean();
      PostgresActivities sydneyQueue = Fixtures.workerThatMayBeGone(pg, sydneyGone::get);
      env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(sydneyQueue);
      env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
      env.start();

      ClusterMonitorWorkflow monitor =
          env.getWorkflowClient()
              .newWorkflowStub(
                  ClusterMonitorWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("monitor-shop")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      String firstRun =
          WorkflowClient.start(monitor::monitor, new MonitorRequest("shop")).getRunId();
      env.sleep(Duration.ofSeconds(5));
      sydneyGone.set(true);
      env.sleep(Duration.ofSeconds(20));
      sydneyGone.set(false);
      // Past the history limit, the run continues as new.
      while (env.getWorkflowClient()
              .fetchHistory("monitor-shop", firstRun)
              .getLastEvent()
              .getEventType()
          != io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
        env.sleep(Duration.ofMinutes(1));
      }
      write(env, "monitor-shop", firstRun, "monitor-worker-lost-continued-as-new.json");
      WorkflowStub.fromTyped(monitor).terminate("recorded");
    }
  }

  private static TestWorkflowEnvironment environment() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    for (String name : new String[] {"DrCluster", "DrKind", "DrRegion", "DrOutcome"}) {
      env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    return env;
  }

  private static TopologyActivities topology(ClusterSpec spec) {
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster("shop")).thenReturn(spec);
    return topology;
  }

  private static TrafficActivities traffic() {
    TrafficActivities traffic = mock(TrafficActivities.class, withSettings().withoutAnnotations());
    FenceReport report = new FenceReport("pgbouncer bouncer", true, "ok");
    when(traffic.hold(any(), any())).thenReturn(report);
    when(traffic.redirect(any(), any(), anyList())).thenReturn(report);
    return traffic;
  }

  private static void write(
      TestWorkflowEnvironment env, String workflowId, String runId, String file) throws Exception {
    String json =
        (runId == null
                ? env.getWorkflowClient().fetchHistory(workflowId)
                : env.getWorkflowClient().fetchHistory(workflowId, runId))
            // The monitor's run holds thousands of events: one line keeps the file small.
            .toJson(runId == null);
    Files.createDirectories(HISTORIES);
    Files.writeString(HISTORIES.resolve(file), json);
  }
}
