package dev.lifeboat.workflows.health;

import static dev.lifeboat.workflows.shared.Fixtures.SHOP;
import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import dev.lifeboat.workflows.model.NodeHealth;
import dev.lifeboat.workflows.shared.Fixtures;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClusterHealthWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow =
      TestWorkflowExtension.newBuilder()
          .registerSearchAttribute("DrCluster", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrKind", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrRegion", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .registerSearchAttribute("DrOutcome", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
          .setWorkflowTypes(ClusterHealthWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  private static TopologyActivities topologyOf(dev.lifeboat.workflows.model.ClusterSpec spec) {
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster(spec.name())).thenReturn(spec);
    return topology;
  }

  private static PostgresActivities probes() {
    return mock(PostgresActivities.class, withSettings().withoutAnnotations());
  }

  @Test
  void reportsPrimaryStandbyAndLagAndTagsTheRun(
      TestWorkflowEnvironment env, Worker worker, ClusterHealthWorkflow workflow) {
    worker.registerActivitiesImplementations(topologyOf(SHOP));
    PostgresActivities pg = probes();
    when(pg.probe(SYDNEY)).thenReturn(Fixtures.primary(SYDNEY, "0/5000000", "0/4FFF000", 0.25));
    when(pg.probe(TOKYO)).thenReturn(Fixtures.standby(TOKYO, "0/4FFF000"));
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg);
    env.newWorker(TaskQueues.forRegion("tokyo")).registerActivitiesImplementations(pg);
    env.start();

    ClusterTopology topology = workflow.check(new ClusterHealthRequest("shop"));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.HEALTHY);
    assertThat(topology.primary()).isEqualTo("sydney");
    assertThat(topology.nodes()).extracting(NodeHealth::node).containsExactly("sydney", "tokyo");
    assertThat(topology.nodes().get(1).lagBytes()).isEqualTo(0x1000L);
    assertThat(topology.nodes().get(1).lagSeconds()).isEqualTo(0.25);

    SearchAttributes attributes =
        WorkflowStub.fromTyped(workflow).describe().getTypedSearchAttributes();
    assertThat(attributes.get(DrSearchAttributes.CLUSTER)).isEqualTo("shop");
    assertThat(attributes.get(DrSearchAttributes.KIND)).isEqualTo("health");
    assertThat(attributes.get(DrSearchAttributes.OUTCOME)).isEqualTo("healthy");
  }

  @Test
  void aRegionWithoutWorkerMakesItsNodeUnreachableInsteadOfHanging(
      TestWorkflowEnvironment env, Worker worker, ClusterHealthWorkflow workflow) {
    worker.registerActivitiesImplementations(topologyOf(SHOP));
    PostgresActivities pg = probes();
    when(pg.probe(SYDNEY)).thenReturn(Fixtures.lonelyPrimary(SYDNEY, "0/5000000"));
    env.newWorker(TaskQueues.forRegion("sydney")).registerActivitiesImplementations(pg);
    env.start();

    // The test server does not skip time for an activity that no worker has picked up, so keep
    // the deadline short rather than waiting the default minute.
    ClusterTopology topology = workflow.check(new ClusterHealthRequest("shop", 2));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.DEGRADED);
    NodeHealth tokyo = topology.nodes().get(1);
    assertThat(tokyo.reachable()).isFalse();
    assertThat(tokyo.error()).contains("lifeboat-tokyo");
  }

  @Test
  void rejectsARequestWithoutClusterName(
      TestWorkflowEnvironment env, Worker worker, ClusterHealthWorkflow workflow) {
    env.start();

    assertThatThrownBy(() -> workflow.check(new ClusterHealthRequest(" ")))
        .isInstanceOf(WorkflowFailedException.class)
        .cause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> {
              assertThat(failure.getType()).isEqualTo(ErrorTypes.INVALID_REQUEST);
              assertThat(failure.getOriginalMessage()).contains("needs a cluster name");
            });
  }

  @Test
  void failsWithoutRetryOnAnUnknownCluster(
      TestWorkflowEnvironment env, Worker worker, ClusterHealthWorkflow workflow) {
    TopologyActivities topology =
        mock(TopologyActivities.class, withSettings().withoutAnnotations());
    when(topology.describeCluster("nope"))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "cluster 'nope' is not configured", ErrorTypes.UNKNOWN_CLUSTER));
    worker.registerActivitiesImplementations(topology);
    env.start();

    assertThatThrownBy(() -> workflow.check(new ClusterHealthRequest("nope")))
        .isInstanceOf(WorkflowFailedException.class)
        .rootCause()
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            failure -> assertThat(failure.getType()).isEqualTo(ErrorTypes.UNKNOWN_CLUSTER));
  }
}
