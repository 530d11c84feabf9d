package dev.lifeboat.workflows.replay;

import static dev.lifeboat.workflows.shared.Fixtures.SHOP;
import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.backup.BackupWorkflow;
import dev.lifeboat.workflows.backup.BackupWorkflowImpl;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.ClusterHealthWorkflow;
import dev.lifeboat.workflows.health.ClusterHealthWorkflowImpl;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.TakenBackup;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Re-records the golden histories that {@link ClusterHealthReplayTest} replays. Run it only when a
 * workflow changes shape on purpose (and version the change with {@code Workflow.getVersion}):
 * {@code mvn -pl workflows test -Dtest=RecordGoldenHistoriesTest -Dlifeboat.recordHistories=true}.
 */
@EnabledIfSystemProperty(
    named = "lifeboat.recordHistories",
    matches = "true",
    disabledReason = "records golden histories only on request (-Dlifeboat.recordHistories=true)")
class RecordGoldenHistoriesTest {

  static final Path HISTORIES = Path.of("src/test/resources/histories");

  @Test
  void recordHealthyClusterCheck() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      for (String name : new String[] {"DrCluster", "DrKind", "DrRegion", "DrOutcome"}) {
        env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(ClusterHealthWorkflowImpl.class);
      TopologyActivities topology =
          mock(TopologyActivities.class, withSettings().withoutAnnotations());
      when(topology.describeCluster("shop")).thenReturn(SHOP);
      orchestration.registerActivitiesImplementations(topology);
      PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
      when(pg.probe(SYDNEY)).thenReturn(Fixtures.primary(SYDNEY, "0/5000000", "0/4FFF000", 0.25));
      when(pg.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/4FFF000"));
      env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg);
      env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
      env.start();

      ClusterHealthWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  ClusterHealthWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("health-shop-golden")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      workflow.check(new ClusterHealthRequest("shop"));
      String json =
          env.getWorkflowClient()
              .fetchHistory(WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId())
              .toJson(true);
      Files.createDirectories(HISTORIES);
      Files.writeString(HISTORIES.resolve("cluster-health-healthy.json"), json);
    }
  }

  @Test
  void recordFullBackupToTwoDestinations() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      for (String name : new String[] {"DrCluster", "DrKind", "DrRegion", "DrOutcome"}) {
        env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(BackupWorkflowImpl.class);
      TopologyActivities topology =
          mock(TopologyActivities.class, withSettings().withoutAnnotations());
      when(topology.describeCluster("shop")).thenReturn(SHOP);
      BackupActivities backups = mock(BackupActivities.class, withSettings().withoutAnnotations());
      when(backups.destinations()).thenReturn(java.util.List.of("s3", "nas"));
      when(backups.takeFull(org.mockito.ArgumentMatchers.any()))
          .thenReturn(
              new TakenBackup(
                  new BackupCopy("s3", "s3://b/shop", true, 1000, 1, null),
                  "15.18",
                  1,
                  "0/5000028",
                  "0/5000100",
                  6000));
      when(backups.copy(org.mockito.ArgumentMatchers.any()))
          .thenReturn(new BackupCopy("nas", "file:///nas/shop", true, 1000, 1, null));
      orchestration.registerActivitiesImplementations(topology, backups);
      PostgresActivities pg = mock(PostgresActivities.class, withSettings().withoutAnnotations());
      when(pg.probe(SYDNEY)).thenReturn(Fixtures.primary(SYDNEY, "0/5000000", "0/5000000", null));
      when(pg.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/5000000"));
      env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg, backups);
      env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg, backups);
      env.start();

      BackupWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  BackupWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("backup-shop-golden")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      workflow.backup(BackupRequest.full("shop"));
      String json = env.getWorkflowClient().fetchHistory("backup-shop-golden").toJson(true);
      Files.createDirectories(HISTORIES);
      Files.writeString(HISTORIES.resolve("backup-full-two-destinations.json"), json);
    }
  }

  @Test
  void recordProvenTestRestore() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      for (String name : new String[] {"DrCluster", "DrKind", "DrRegion", "DrOutcome"}) {
        env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(
          dev.lifeboat.workflows.restore.RestoreWorkflowImpl.class);
      dev.lifeboat.workflows.activities.RestoreActivities restores =
          mock(
              dev.lifeboat.workflows.activities.RestoreActivities.class,
              withSettings().withoutAnnotations());
      when(restores.plan(org.mockito.ArgumentMatchers.any()))
          .thenReturn(
              new dev.lifeboat.workflows.model.RestorePlan(
                  "shop",
                  "b2",
                  java.util.List.of("b1", "b2"),
                  "nas",
                  "0/5000100",
                  "2026-11-25T00:00:00Z",
                  null,
                  SYDNEY));
      when(restores.layOut(org.mockito.ArgumentMatchers.any()))
          .thenReturn(new dev.lifeboat.workflows.model.RestoreStep(1, 1000, 3, "laid out"));
      when(restores.stageWal(org.mockito.ArgumentMatchers.any()))
          .thenReturn(new dev.lifeboat.workflows.model.RestoreStep(0, 0, 0, "none"));
      when(restores.recover(org.mockito.ArgumentMatchers.any()))
          .thenReturn(new dev.lifeboat.workflows.model.RecoveryOutcome(1, "0/5000100", null, true));
      when(restores.validate(org.mockito.ArgumentMatchers.any()))
          .thenReturn(
              new dev.lifeboat.workflows.model.ValidationOutcome(
                  1, java.util.Map.of("public.users", 10L), 4, java.util.List.of()));
      orchestration.registerActivitiesImplementations(restores);
      env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(restores);
      env.start();

      dev.lifeboat.workflows.restore.RestoreWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  dev.lifeboat.workflows.restore.RestoreWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("restore-shop-golden")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      workflow.restore(
          dev.lifeboat.workflows.model.RestoreRequest.proof(
              "shop", "b2", "nas", "/var/tmp/proof", 55498));
      String json = env.getWorkflowClient().fetchHistory("restore-shop-golden").toJson(true);
      Files.createDirectories(HISTORIES);
      Files.writeString(HISTORIES.resolve("restore-proven-scratch.json"), json);
    }
  }

  @Test
  void recordApprovedFailover() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      for (String name : new String[] {"DrCluster", "DrKind", "DrRegion", "DrOutcome"}) {
        env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      var spec =
          new dev.lifeboat.workflows.model.ClusterSpec(
              "shop",
              "active-passive",
              java.util.List.of(SYDNEY, TOKYO),
              true,
              dev.lifeboat.workflows.model.ClusterSpec.ASYNCHRONOUS,
              null,
              new dev.lifeboat.workflows.model.FailoverPolicy(true, 0, 0, 1 << 30, 300, 3600),
              java.util.List.of(Fixtures.BOUNCER));
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(
          dev.lifeboat.workflows.failover.FailoverWorkflowImpl.class);
      TopologyActivities topology =
          mock(TopologyActivities.class, withSettings().withoutAnnotations());
      when(topology.describeCluster("shop")).thenReturn(spec);
      var traffic =
          mock(
              dev.lifeboat.workflows.activities.TrafficActivities.class,
              withSettings().withoutAnnotations());
      var report = new dev.lifeboat.workflows.model.FenceReport("pgbouncer bouncer", true, "ok");
      when(traffic.hold(org.mockito.ArgumentMatchers.any(), org.mockito.ArgumentMatchers.any()))
          .thenReturn(report);
      when(traffic.redirect(
              org.mockito.ArgumentMatchers.any(),
              org.mockito.ArgumentMatchers.any(),
              org.mockito.ArgumentMatchers.anyList()))
          .thenReturn(report);
      orchestration.registerActivitiesImplementations(topology, traffic);
      PostgresActivities postgres =
          mock(PostgresActivities.class, withSettings().withoutAnnotations());
      when(postgres.probe(SYDNEY))
          .thenReturn(dev.lifeboat.workflows.model.NodeProbe.unreachable(SYDNEY, 1, "refused"));
      when(postgres.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/3000000"));
      when(postgres.promote(TOKYO))
          .thenReturn(
              new dev.lifeboat.workflows.model.PromotionResult("tokyo", "0/4000000", 2, 80, false));
      env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(postgres);
      env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(postgres);
      env.start();

      var workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  dev.lifeboat.workflows.failover.FailoverWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("failover-shop")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      io.temporal.client.WorkflowClient.start(
          workflow::failover,
          new dev.lifeboat.workflows.model.FailoverRequest(
              "shop",
              "failover",
              null,
              "sydney down",
              "monitor",
              "sydney",
              "0/3000100",
              1000,
              4000,
              null));
      while (!"awaiting-approval".equals(workflow.progress().step())) {
        env.sleep(java.time.Duration.ofMillis(100));
      }
      workflow.decide(new dev.lifeboat.workflows.model.FailoverApproval("ana", true, 256, "go"));
      WorkflowStub.fromTyped(workflow).getResult(dev.lifeboat.workflows.model.FailoverResult.class);
      String json = env.getWorkflowClient().fetchHistory("failover-shop").toJson(true);
      Files.createDirectories(HISTORIES);
      Files.writeString(HISTORIES.resolve("failover-approved.json"), json);
    }
  }

  @Test
  void recordRunbookWithRetryParallelAndRollback() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      for (String name : new String[] {"DrCluster", "DrKind", "DrRegion", "DrOutcome"}) {
        env.registerSearchAttribute(name, IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
      }
      Worker orchestration = env.newWorker(TaskQueues.ORCHESTRATION);
      orchestration.registerWorkflowImplementationTypes(
          dev.lifeboat.workflows.runbook.RunbookWorkflowImpl.class);
      dev.lifeboat.workflows.activities.RunbookStepActivities steps =
          mock(
              dev.lifeboat.workflows.activities.RunbookStepActivities.class,
              withSettings().withoutAnnotations());
      when(steps.execute(org.mockito.ArgumentMatchers.any()))
          .thenThrow(io.temporal.failure.ApplicationFailure.newFailure("not yet", "Flaky"))
          .thenReturn(dev.lifeboat.workflows.runbook.StepResult.of("ok"));
      orchestration.registerActivitiesImplementations(steps);
      env.start();

      dev.lifeboat.workflows.runbook.RunbookWorkflow workflow =
          env.getWorkflowClient()
              .newWorkflowStub(
                  dev.lifeboat.workflows.runbook.RunbookWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("runbook-golden")
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .build());
      workflow.run(RunbookReplayTest.request());
      String json = env.getWorkflowClient().fetchHistory("runbook-golden").toJson(true);
      Files.createDirectories(HISTORIES);
      Files.writeString(HISTORIES.resolve("runbook-retry-parallel-rollback.json"), json);
    }
  }
}
