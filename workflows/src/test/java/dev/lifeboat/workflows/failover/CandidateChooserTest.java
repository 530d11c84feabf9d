package dev.lifeboat.workflows.failover;

import static dev.lifeboat.workflows.shared.Fixtures.SYDNEY;
import static dev.lifeboat.workflows.shared.Fixtures.TOKYO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverPolicy;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.shared.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class CandidateChooserTest {

  private static final NodeSpec OSAKA =
      new NodeSpec("osaka", "osaka", 80, 1, "127.0.0.1", 55434, "shop", "postgres", "pg-shop");

  private static ClusterSpec cluster(long maxLag) {
    return new ClusterSpec(
        "shop",
        "multi-region",
        List.of(SYDNEY, TOKYO, OSAKA),
        false,
        ClusterSpec.ASYNCHRONOUS,
        null,
        new FailoverPolicy(true, 0, 0, maxLag, 60, 600),
        null);
  }

  @Test
  void theStandbyThatReceivedMostWinsThenPriority() {
    List<NodeProbe> probes =
        List.of(
            NodeProbe.unreachable(SYDNEY, 1, "down"),
            Fixtures.standby(TOKYO, "0/3000000"),
            Fixtures.standby(OSAKA, "0/3000100"));

    assertThat(CandidateChooser.choose(cluster(1 << 20), probes, "sydney", "0/3000100", null))
        .get()
        .satisfies(
            c -> {
              assertThat(c.node().name()).isEqualTo("osaka");
              assertThat(c.lagBytes()).isZero();
            });
    List<NodeProbe> even =
        List.of(Fixtures.standby(TOKYO, "0/3000100"), Fixtures.standby(OSAKA, "0/3000100"));
    assertThat(CandidateChooser.choose(cluster(1 << 20), even, "sydney", "0/3000100", null))
        .get()
        .extracting(c -> c.node().name())
        .isEqualTo("osaka");
  }

  @Test
  void standbysOverTheLagLimitAndOtherRegionsAreNotCandidates() {
    List<NodeProbe> probes =
        List.of(Fixtures.standby(TOKYO, "0/3000000"), Fixtures.standby(OSAKA, "0/2000000"));

    assertThat(CandidateChooser.choose(cluster(0x100000), probes, "sydney", "0/3000000", "osaka"))
        .isEmpty();
    assertThat(CandidateChooser.choose(cluster(0x100000), probes, "sydney", "0/3000000", null))
        .get()
        .extracting(c -> c.node().name())
        .isEqualTo("tokyo");
  }

  @Test
  void lsnsAreComparedAsNumbers() {
    assertThat(Lsn.positionOrUnknown("1/0")).isEqualTo(1L << 32);
    assertThat(Lsn.distance("0/FFFFFFFF", "1/0")).isEqualTo(1);
    assertThat(Lsn.distance("1/0", "0/10")).isZero();
    assertThat(Lsn.positionOrUnknown("garbage")).isEqualTo(-1);
  }
}
