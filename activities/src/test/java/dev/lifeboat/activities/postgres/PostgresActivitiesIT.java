package dev.lifeboat.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Probes the real primary and standby of the local stack's cluster {@code shop}. */
class PostgresActivitiesIT {

  private static ClusterSpec shop;
  private static PostgresActivitiesImpl activities;

  @BeforeAll
  static void connectToTheStack() {
    LifeboatConfig config = new ConfigLoader().load(Path.of("..", "lifeboat.yaml"));
    shop = config.cluster("shop").orElseThrow();
    activities =
        new PostgresActivitiesImpl(
            new PgConnections(new SecretResolver(config.secretsDir(), System.getenv())),
            new SecretResolver(config.secretsDir(), System.getenv()));
  }

  @Test
  void theConfiguredPrimaryReportsItsStandbyStreaming() {
    NodeProbe primary = activities.probe(shop.nodes().get(0));

    assertThat(primary.reachable()).as(primary.error()).isTrue();
    assertThat(primary.role()).isEqualTo(NodeRole.PRIMARY);
    assertThat(primary.serverVersion()).startsWith("15");
    assertThat(primary.timeline()).isPositive();
    assertThat(Lsn.parse(primary.lsn())).isPositive();
    assertThat(primary.replicas())
        .anySatisfy(
            peer -> {
              assertThat(peer.applicationName()).isEqualTo("tokyo");
              assertThat(peer.state()).isEqualTo("streaming");
            });
  }

  @Test
  void theStandbyIsInRecoveryOnTheSameSystem() {
    NodeProbe primary = activities.probe(shop.nodes().get(0));
    NodeProbe standby = activities.probe(shop.nodes().get(1));

    assertThat(standby.reachable()).as(standby.error()).isTrue();
    assertThat(standby.role()).isEqualTo(NodeRole.STANDBY);
    assertThat(standby.systemIdentifier()).isEqualTo(primary.systemIdentifier());
    assertThat(standby.timeline()).isEqualTo(primary.timeline());
    assertThat(standby.receiveLsn()).isNotNull();
    assertThat(standby.replicas()).isEmpty();
  }

  @Test
  void aClosedPortIsReportedUnreachableNotThrown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    NodeSpec gone = withPort(shop.nodes().get(0), closedPort);

    NodeProbe probe = activities.probe(gone);

    assertThat(probe.reachable()).isFalse();
    assertThat(probe.role()).isEqualTo(NodeRole.UNKNOWN);
    assertThat(probe.error()).startsWith("127.0.0.1:" + closedPort + ": ").contains("refused");
  }

  @Test
  void aWrongPasswordIsReportedWithItsSqlState() {
    SecretResolver wrong =
        new SecretResolver(
            Path.of("/nonexistent"), Map.of("LIFEBOAT_SECRET_PG_SHOP", "not-the-password"));
    PostgresActivitiesImpl wrongPassword =
        new PostgresActivitiesImpl(new PgConnections(wrong), wrong);

    NodeProbe probe = wrongPassword.probe(shop.nodes().get(0));

    assertThat(probe.reachable()).isFalse();
    assertThat(probe.error()).contains("password authentication failed").contains("SQLSTATE 28P01");
  }

  private static NodeSpec withPort(NodeSpec node, int port) {
    return new NodeSpec(
        node.name(),
        node.region(),
        node.priority(),
        node.weight(),
        node.host(),
        port,
        node.database(),
        node.user(),
        node.passwordSecret());
  }
}
