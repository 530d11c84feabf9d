package dev.lifeboat.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.health.ClusterHealthWorkflow;
import dev.lifeboat.workflows.health.ClusterHealthWorkflowImpl;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.activity.ActivityOptions;
import io.temporal.worker.NonDeterministicException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories against today's workflow code. A failure here means a change would
 * break runs already in flight: version it with {@code Workflow.getVersion} instead.
 */
class ClusterHealthReplayTest {

  private static final String HEALTHY = "histories/cluster-health-healthy.json";

  @Test
  void todaysCodeReplaysTheRecordedHealthyCheck() throws Exception {
    GoldenHistory.replay(HEALTHY, ClusterHealthWorkflowImpl.class);
  }

  @Test
  void aWorkflowThatProbesInAnotherOrderIsCaughtAsNonDeterministic() {
    Throwable thrown =
        catchThrowable(() -> GoldenHistory.replay(HEALTHY, ProbesBeforeSearchAttributes.class));

    // The replayer reports the NonDeterministicException inside its message, not as a cause.
    assertThat(thrown)
        .isNotNull()
        .hasMessageContaining(NonDeterministicException.class.getName())
        .hasMessageContaining("does not match command type COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK")
        .hasMessageContaining("must be versioned with Workflow.getVersion");
  }

  /** A changed implementation: probes the first node before reading the topology. */
  public static class ProbesBeforeSearchAttributes implements ClusterHealthWorkflow {
    private final PostgresActivities pg =
        Workflow.newActivityStub(
            PostgresActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(5)).build());
    private final TopologyActivities topology =
        Workflow.newActivityStub(
            TopologyActivities.class,
            ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(5)).build());

    @Override
    public ClusterTopology check(ClusterHealthRequest request) {
      pg.probe(new NodeSpec("sydney", "sydney", 0, 1, "127.0.0.1", 1, "shop", "postgres", null));
      ClusterSpec spec = topology.describeCluster(request.cluster());
      throw new IllegalStateException("never reached in replay: " + spec);
    }
  }
}
