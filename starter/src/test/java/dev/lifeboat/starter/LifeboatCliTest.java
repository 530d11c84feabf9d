package dev.lifeboat.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class LifeboatCliTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = LifeboatCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "health", "config", "config check"})
  void everyCommandHasHelp(String command) {
    String[] args = (command + " --help").trim().split(" ");
    Run run = run(args);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: lifeboat");
  }

  @Test
  void anUnknownOptionIsAUsageErrorInOneSentence() {
    Run run = run("health", "--clustr", "shop");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("lifeboat: Unknown options: '--clustr', 'shop'");
    assertThat(run.err()).contains("Run 'lifeboat health --help' for usage.");
  }

  @Test
  void aBadConfigurationExitsWith2AndNamesTheKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("lifeboat.yaml");
    Files.writeString(config, "clusters:\n  shop:\n    strategy: hot-hot\n    nodes: []\n");

    Run run = run("config", "check", "--config", config.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("clusters.shop.strategy: 'hot-hot' is not allowed")
        .contains("clusters.shop.nodes: missing or empty");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void configCheckListsClustersAndNodes(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("lifeboat.yaml");
    Files.writeString(
        config,
        """
        clusters:
          shop:
            nodes:
              - {name: sydney, region: sydney, host: 127.0.0.1, port: 5432, priority: 100}
        """);

    Run run = run("config", "check", "-c", config.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("is valid").contains("cluster shop (active-passive)");
    assertThat(run.out()).containsPattern("sydney +region sydney +127.0.0.1:5432 priority 100");
  }

  @Test
  void healthOfAnUnconfiguredClusterIsAUsageError(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("lifeboat.yaml");
    Files.writeString(
        config, "clusters:\n  shop:\n    nodes:\n      - {name: a, region: r, host: h, port: 1}\n");

    Run run = run("health", "--cluster", "billing", "-c", config.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "lifeboat: cluster 'billing' is not in " + config + "; configured clusters: [shop]");
  }

  @Test
  void healthWithoutTemporalSaysHowToStartIt(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("lifeboat.yaml");
    // Port 1 on loopback: nothing listens there.
    Files.writeString(
        config,
        "temporal:\n  address: 127.0.0.1:1\nclusters:\n  shop:\n    nodes:\n      - {name: a, region: r, host: h, port: 1}\n");

    Run run = run("health", "-c", config.toString(), "--timeout", "PT10S");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("lifeboat: ").contains("./lifeboat stack up");
  }
}
