package dev.lifeboat.workflows.health;

import static dev.lifeboat.workflows.shared.Fixtures.SHOP;
import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import dev.lifeboat.workflows.model.NodeHealth;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.shared.Fixtures;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyAssessorTest {

  private static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");

  @Test
  void healthyWhenOnePrimaryAndTheStandbyStreams() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                Fixtures.primary(SYDNEY, "0/3000200", "0/3000100", 0.012),
                Fixtures.standby(TOKYO, "0/3000100")));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.HEALTHY);
    assertThat(topology.primary()).isEqualTo("sydney");
    NodeHealth tokyo = topology.nodes().get(1);
    assertThat(tokyo.role()).isEqualTo(NodeRole.STANDBY);
    assertThat(tokyo.lagBytes()).isEqualTo(0x100L);
    assertThat(tokyo.lagSeconds()).isEqualTo(0.012);
    assertThat(tokyo.streaming()).isTrue();
    assertThat(topology.nodes().get(0).lagBytes()).isNull();
  }

  @Test
  void caughtUpIdleStandbyHasZeroSecondsLagWhenPostgresReportsNone() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                Fixtures.primary(SYDNEY, "0/3000100", "0/3000100", null),
                Fixtures.standby(TOKYO, "0/3000100")));

    assertThat(topology.nodes().get(1).lagSeconds()).isEqualTo(0.0);
    assertThat(topology.nodes().get(1).lagBytes()).isZero();
  }

  @Test
  void standbyBehindWithoutMeasuredLagHasUnknownSeconds() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                Fixtures.primary(SYDNEY, "0/4000000", "0/3000000", null),
                Fixtures.standby(TOKYO, "0/3000000")));

    assertThat(topology.nodes().get(1).lagSeconds()).isNull();
    assertThat(topology.nodes().get(1).lagBytes()).isEqualTo(0x1000000L);
  }

  @Test
  void degradedWhenTheStandbyIsUnreachable() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                Fixtures.lonelyPrimary(SYDNEY, "0/3000100"),
                NodeProbe.unreachable(TOKYO, 5000, "connection refused")));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.DEGRADED);
    assertThat(topology.nodes().get(1).reachable()).isFalse();
    assertThat(topology.nodes().get(1).error()).isEqualTo("connection refused");
  }

  @Test
  void degradedWhenTheStandbyIsUpButNotStreaming() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                Fixtures.lonelyPrimary(SYDNEY, "0/3000100"), Fixtures.standby(TOKYO, "0/3000000")));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.DEGRADED);
    assertThat(topology.nodes().get(1).streaming()).isFalse();
  }

  @Test
  void noPrimaryWhenThePrimaryIsDown() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                NodeProbe.unreachable(SYDNEY, 5000, "refused"),
                Fixtures.standby(TOKYO, "0/3000000")));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.NO_PRIMARY);
    assertThat(topology.primary()).isNull();
    assertThat(topology.nodes().get(1).lagBytes()).isNull();
  }

  @Test
  void splitBrainWhenTwoNodesArePrimary() {
    ClusterTopology topology =
        TopologyAssessor.assess(
            SHOP,
            NOW,
            List.of(
                Fixtures.lonelyPrimary(SYDNEY, "0/3000100"),
                Fixtures.lonelyPrimary(TOKYO, "0/3000200")));

    assertThat(topology.verdict()).isEqualTo(ClusterVerdict.SPLIT_BRAIN);
    assertThat(topology.primary()).isNull();
    assertThat(ClusterVerdict.SPLIT_BRAIN.outcome()).isEqualTo("split-brain");
  }
}
