package dev.lifeboat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final Path SOURCE = Path.of("/etc/lifeboat/lifeboat.yaml");

  private static final String GOOD =
      """
      temporal:
        address: 127.0.0.1:${TEMPORAL_PORT:-7233}
        ui: http://127.0.0.1:8233/
      worker:
        regions: [tokyo]
        metricsPort: 9999
      secrets:
        dir: secrets
      clusters:
        shop:
          strategy: active-passive
          nodes:
            - name: sydney
              region: sydney
              priority: 100
              host: db1.internal
              port: ${PG_PORT}
              database: shop
              passwordSecret: pg-shop
            - name: tokyo
              region: tokyo
              host: db2.internal
              port: 5432
      """;

  @Test
  void readsAGoodFileWithDefaultsAndEnvironment() {
    LifeboatConfig config = new ConfigLoader(Map.of("PG_PORT", "6543")).parse(SOURCE, GOOD);

    assertThat(config.temporal().address()).isEqualTo("127.0.0.1:7233");
    assertThat(config.temporal().namespace()).isEqualTo("default");
    assertThat(config.temporal().uiUrl()).isEqualTo("http://127.0.0.1:8233");
    assertThat(config.worker().metricsPort()).isEqualTo(9999);
    assertThat(config.secretsDir()).isEqualTo(Path.of("/etc/lifeboat/secrets"));
    assertThat(config.servedRegions()).containsExactly("tokyo");

    ClusterSpec shop = config.cluster("shop").orElseThrow();
    assertThat(shop.strategy()).isEqualTo("active-passive");
    assertThat(shop.nodes())
        .containsExactly(
            new NodeSpec(
                "sydney", "sydney", 100, 1, "db1.internal", 6543, "shop", "postgres", "pg-shop"),
            new NodeSpec(
                "tokyo", "tokyo", 0, 1, "db2.internal", 5432, "postgres", "postgres", null));
  }

  @Test
  void temporalEnvironmentVariablesWinOverTheFile() {
    LifeboatConfig config =
        new ConfigLoader(
                Map.of(
                    "PG_PORT",
                    "5432",
                    "TEMPORAL_ADDRESS",
                    "temporal:7233",
                    "TEMPORAL_NAMESPACE",
                    "dr"))
            .parse(SOURCE, GOOD);

    assertThat(config.temporal().address()).isEqualTo("temporal:7233");
    assertThat(config.temporal().namespace()).isEqualTo("dr");
  }

  @Test
  void servesEveryNodeRegionWhenNoneAreListed() {
    LifeboatConfig config =
        new ConfigLoader(Map.of("PG_PORT", "5432"))
            .parse(SOURCE, GOOD.replace("regions: [tokyo]", "regions: []"));

    assertThat(config.servedRegions()).containsExactly("sydney", "tokyo");
  }

  @Test
  void reportsEveryProblemWithKeyValueAndWhatIsAllowed() {
    String bad =
        """
        temporal:
          adress: x
        clusters:
          shop:
            strategy: active-standby
            nodes:
              - name: Sydney
                region: sydney
                host: db1
                port: abc
              - name: tokyo
                region: tokyo
                host: db2
                port: 70000
              - name: tokyo
                region: tokyo
                host: db3
                port: 5432
        """;

    ConfigException error =
        catchThrowableOfType(
            ConfigException.class, () -> new ConfigLoader(Map.of()).parse(SOURCE, bad));

    assertThat(error.problems())
        .containsExactlyInAnyOrder(
            "temporal.adress: unknown key; allowed here: [address, namespace, ui]",
            "clusters.shop.strategy: 'active-standby' is not allowed; use one of [active-passive, active-active, multi-region]",
            "clusters.shop.nodes[0].name: 'Sydney' is not allowed; use lower-case letters, digits and '-'",
            "clusters.shop.nodes[0].port: 'abc' is not a number; expected a port 1-65535",
            "clusters.shop.nodes[1].port: 70000 is out of range; expected a port 1-65535",
            "clusters.shop.nodes[2].name: 'tokyo' is used twice; node names must be unique");
    assertThat(error.getMessage()).startsWith(SOURCE + " has 6 problems:");
  }

  @Test
  void namesAnUnsetEnvironmentVariable() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(SOURCE, GOOD))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            SOURCE
                + ": clusters.shop.nodes[0].port: environment variable PG_PORT is not set and has no default; set it or write ${PG_PORT:-default}");
  }

  @Test
  void rejectsAWorkerRegionWithoutNodes() {
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of("PG_PORT", "5432"))
                    .parse(SOURCE, GOOD.replace("regions: [tokyo]", "regions: [osaka]")))
        .hasMessageContaining("worker.regions: 'osaka' is not the region of any configured node");
  }

  @Test
  void reportsInvalidYamlWithItsPosition() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(SOURCE, "clusters:\n  shop: [\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("is not valid YAML at line");
  }

  @Test
  void requiresClusters() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(SOURCE, "temporal: {}\n"))
        .hasMessage(
            SOURCE + ": clusters: missing or empty; define at least one cluster with its nodes");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).parse(SOURCE, ""))
        .hasMessageContaining("the file is empty");
  }

  @Test
  void namesAMissingFileAndHowToPointAtAnother(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(missing))
        .hasMessage(
            missing
                + ": file not found; pass --config FILE or set LIFEBOAT_CONFIG (the example is lifeboat.yaml at the repository root)");
  }

  @Test
  void locatesTheFileFromFlagThenEnvironmentThenDefault() {
    assertThat(new ConfigLoader(Map.of("LIFEBOAT_CONFIG", "/x.yaml")).locate(Path.of("/flag.yaml")))
        .isEqualTo(Path.of("/flag.yaml"));
    assertThat(new ConfigLoader(Map.of("LIFEBOAT_CONFIG", "/x.yaml")).locate(null))
        .isEqualTo(Path.of("/x.yaml"));
    assertThat(new ConfigLoader(Map.of()).locate(null)).isEqualTo(Path.of("lifeboat.yaml"));
  }

  @Test
  void theRepositoryExampleConfigurationIsValid() throws Exception {
    Path example = Path.of("..", "lifeboat.yaml");
    LifeboatConfig config = new ConfigLoader(Map.of()).load(example);

    ClusterSpec shop = config.cluster("shop").orElseThrow();
    assertThat(shop.nodes()).extracting(NodeSpec::name).containsExactly("sydney", "tokyo");
    assertThat(shop.nodes()).extracting(NodeSpec::port).containsExactly(55432, 55433);
    assertThat(Files.exists(example)).isTrue();
  }
}
