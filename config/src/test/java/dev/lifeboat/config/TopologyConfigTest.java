package dev.lifeboat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failover topology of a cluster: health, failover policy, traffic endpoints, node files. */
class TopologyConfigTest {

  private static final Path SOURCE = Path.of("/etc/lifeboat/lifeboat.yaml");

  private static String cluster(String extra) {
    return """
        clusters:
          shop:
            strategy: active-passive
        %s
            nodes:
              - name: sydney
                region: sydney
                host: 127.0.0.1
                port: 5432
                dataDir: /var/lib/postgresql/15/main
                replicationUser: replicator
                replicationSecret: pg-replicator
              - name: tokyo
                region: tokyo
                host: 127.0.0.1
                port: 5433
                dataDir: pg/tokyo
        """
        .formatted(extra.indent(4).stripTrailing());
  }

  @Test
  void readsHealthFailoverAndTraffic() {
    String yaml =
        cluster(
            """
            drill: true
            replication: synchronous
            health:
              interval: 1s
              failuresBeforeDown: 3
              probeTimeout: 500ms
              vantagePoints: [sydney, tokyo]
            failover:
              automatic: false
              rpoBudgetBytes: 0
              escalateAfter: 2m
              approvalTimeout: 1h
            traffic:
              - name: bouncer
                type: pgbouncer
                host: 127.0.0.1
                port: 6432
                adminUser: lifeboat
                adminPasswordSecret: pgbouncer-admin
                database: shop
                configFile: /etc/pgbouncer/pgbouncer.ini
              - name: dns
                type: route53
                hostedZoneId: Z123
                recordName: db.example.com
              - name: scripts
                type: file
                path: /run/lifeboat/primary
            """);

    ClusterSpec shop = new ConfigLoader(Map.of()).parse(SOURCE, yaml).cluster("shop").orElseThrow();

    assertThat(shop.drill()).isTrue();
    assertThat(shop.replication()).isEqualTo(ClusterSpec.SYNCHRONOUS);
    assertThat(shop.health().intervalMillis()).isEqualTo(1000);
    assertThat(shop.health().probeTimeoutMillis()).isEqualTo(500);
    assertThat(shop.health().vantagePoints()).containsExactly("sydney", "tokyo");
    assertThat(shop.failover().automatic()).isFalse();
    assertThat(shop.failover().escalateAfterSeconds()).isEqualTo(120);
    assertThat(shop.failover().approvalTimeoutSeconds()).isEqualTo(3600);
    assertThat(shop.traffic())
        .extracting(TrafficEndpoint::type)
        .containsExactly("pgbouncer", "route53", "file");
    assertThat(shop.traffic().get(2).configFile()).isEqualTo("/run/lifeboat/primary");
    assertThat(shop.node("sydney").dataDir()).isEqualTo("/var/lib/postgresql/15/main");
    assertThat(shop.node("tokyo").dataDir()).isEqualTo("/etc/lifeboat/pg/tokyo");
    assertThat(shop.node("sydney").replicationSecret()).isEqualTo("pg-replicator");
  }

  @Test
  void defaultsMatchTheReferenceDeployment() {
    ClusterSpec shop =
        new ConfigLoader(Map.of()).parse(SOURCE, cluster("")).cluster("shop").orElseThrow();

    assertThat(shop.drill()).isFalse();
    assertThat(shop.replication()).isEqualTo(ClusterSpec.ASYNCHRONOUS);
    assertThat(shop.health().intervalMillis()).isEqualTo(30_000);
    assertThat(shop.health().failuresBeforeDown()).isEqualTo(3);
    assertThat(shop.failover().automatic()).isTrue();
    assertThat(shop.failover().rpoBudgetBytes()).isZero();
    assertThat(shop.traffic()).isEmpty();
  }

  @Test
  void reportsEveryTopologyProblemWithItsKey() {
    String yaml =
        cluster(
            """
            replication: eventual
            health:
              interval: soon
              failuresBeforeDown: 0
              vantagePoints: [mars]
            failover:
              rpoBudgetBytes: lots
            traffic:
              - name: bouncer
                type: haproxy
              - name: bouncer
                type: pgbouncer
            """);

    ConfigException e =
        catchThrowableOfType(
            () -> new ConfigLoader(Map.of()).parse(SOURCE, yaml), ConfigException.class);

    assertThat(e.problems())
        .anyMatch(p -> p.startsWith("clusters.shop.replication: 'eventual' is not allowed"))
        .anyMatch(p -> p.startsWith("clusters.shop.health.interval: 'soon' is not a duration"))
        .anyMatch(p -> p.startsWith("clusters.shop.health.failuresBeforeDown: 0 is out of range"))
        .anyMatch(p -> p.startsWith("clusters.shop.health.vantagePoints: 'mars'"))
        .anyMatch(p -> p.startsWith("clusters.shop.failover.rpoBudgetBytes: 'lots'"))
        .anyMatch(p -> p.startsWith("clusters.shop.traffic[0].type: 'haproxy' is not allowed"))
        .anyMatch(p -> p.startsWith("clusters.shop.traffic[1].name: 'bouncer' is used twice"))
        .anyMatch(p -> p.startsWith("clusters.shop.traffic[1].host: missing"))
        .anyMatch(p -> p.startsWith("clusters.shop.traffic[1].configFile: missing"));
  }
}
