package dev.lifeboat.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import dev.lifeboat.workflows.model.NodeHealth;
import dev.lifeboat.workflows.model.NodeRole;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTableTest {

  @Test
  void showsRoleStateLsnLagAndErrorsPerNode() {
    ClusterTopology topology =
        new ClusterTopology(
            "shop",
            Instant.parse("2026-11-25T00:00:00Z"),
            ClusterVerdict.DEGRADED,
            "sydney",
            List.of(
                new NodeHealth(
                    "sydney",
                    "sydney",
                    NodeRole.PRIMARY,
                    true,
                    "0/5000000",
                    null,
                    null,
                    null,
                    3,
                    null),
                new NodeHealth(
                    "tokyo",
                    "tokyo",
                    NodeRole.STANDBY,
                    true,
                    "0/4FFF000",
                    4096L,
                    0.25,
                    true,
                    4,
                    null),
                new NodeHealth(
                    "osaka",
                    "osaka",
                    NodeRole.UNKNOWN,
                    false,
                    null,
                    null,
                    null,
                    null,
                    5001,
                    "refused")));

    String[] lines = TopologyTable.render(topology).split("\n");

    assertThat(lines).hasSize(4);
    assertThat(lines[0]).startsWith("NODE").contains("LAG BYTES").contains("LAG SEC");
    assertThat(lines[1]).matches("sydney +sydney +primary +up +0/5000000 +- +- +3 ms");
    assertThat(lines[2]).matches("tokyo +tokyo +standby +streaming +0/4FFF000 +4,096 +0.250 +4 ms");
    assertThat(lines[3]).matches("osaka +osaka +unknown +DOWN +- +- +- +5001 ms +refused");
  }
}
