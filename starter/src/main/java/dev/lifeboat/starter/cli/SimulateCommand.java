package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.FailoverClient;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.model.SimulationReport;
import dev.lifeboat.workflows.model.SimulationRequest;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat simulate}: what losing a region would do, or (live) do it and measure. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Simulate losing a region's PostgreSQL. --mode plan (default) says what the monitor and",
      "the failover would do and the RTO to expect; --mode live, only on clusters marked",
      "drill: true, kills the region's postmaster with SIGKILL, lets the monitor fail over,",
      "measures the RTO and fails back (unless --no-failback)."
    })
public final class SimulateCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin ClusterOption clusterOption;

  @Option(names = "--region", required = true, description = "The region that fails.")
  String region;

  @Option(
      names = "--mode",
      defaultValue = "plan",
      description = "plan or live (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--no-failback", description = "Live: leave the cluster failed over.")
  boolean noFailback;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LifeboatConfig loaded = config.load();
    String cluster = clusterOption.require(loaded);
    if (!mode.equals(SimulationRequest.PLAN) && !mode.equals(SimulationRequest.LIVE)) {
      throw new IllegalArgumentException("--mode '" + mode + "' is not allowed; use plan or live");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
      FailoverClient failovers = new FailoverClient(client.temporal());
      if (mode.equals(SimulationRequest.LIVE)) {
        out.printf("Live simulation: killing the PostgreSQL of %s in %s%n", cluster, region);
        out.flush();
      }
      SimulationReport report =
          failovers.simulateDisaster(new SimulationRequest(cluster, region, mode, !noFailback));
      out.printf(
          Locale.ROOT, "%s simulation of losing %s (%s):%n", mode, region, report.failedNode());
      report.steps().forEach(step -> out.println("  - " + step));
      out.printf(Locale.ROOT, "Expected RTO: about %,d ms%n", report.expectedRtoMillis());
      if (mode.equals(SimulationRequest.LIVE) && report.newPrimary() != null) {
        out.printf(
            Locale.ROOT,
            "Measured RTO: %,d ms from the kill until %s took writes and every endpoint pointed"
                + " at it%n",
            report.measuredRtoMillis(),
            report.newPrimary());
        failovers.history(cluster, 1).forEach(r -> FailoverCommand.print(out, r));
      }
      return ExitCodes.OK;
    }
  }
}
