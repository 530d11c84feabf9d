package dev.lifeboat.starter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat health}: runs ClusterHealthWorkflow and prints the topology. */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Probe every node of a cluster through a ClusterHealthWorkflow and print the topology:",
      "role, LSN, replication lag (bytes and seconds) and probe latency per node.",
      "Exit code 0 when the cluster is healthy, 1 when it is not or the check failed."
    })
public final class HealthCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin ClusterOption clusterOption;

  @Option(
      names = "--timeout",
      defaultValue = "PT2M",
      description = "How long to wait for the result, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--json", description = "Print the topology as JSON instead of a table.")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LifeboatConfig loaded = config.load();
    String cluster = clusterOption.require(loaded);
    PrintWriter out = spec.commandLine().getOut();
    LifeboatClient.HealthRun run;
    try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
      run = client.checkHealth(cluster, timeout);
    }
    ClusterTopology topology = run.topology();
    if (json) {
      out.println(
          new ObjectMapper()
              .registerModule(new JavaTimeModule())
              .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(topology));
    } else {
      out.printf(
          "Cluster %s: %s%s%n%n",
          topology.cluster(),
          topology.verdict(),
          topology.primary() == null ? "" : " (primary " + topology.primary() + ")");
      out.print(TopologyTable.render(topology));
      out.printf("%nWeb UI: %s%n", run.uiUrl());
    }
    out.flush();
    return topology.verdict() == ClusterVerdict.HEALTHY ? ExitCodes.OK : ExitCodes.FAILED;
  }
}
