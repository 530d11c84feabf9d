package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.FailoverClient;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.model.MonitorStatus;
import dev.lifeboat.workflows.model.MonitoredNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lifeboat monitor start|status|pause|resume|stop}: the cluster's failure detector. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "The cluster's monitor (ClusterMonitorWorkflow): start it, show each node's health, pause",
      "or resume automatic failover for maintenance, or stop it."
    })
public final class MonitorCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin ClusterOption clusterOption;

  @Parameters(
      index = "0",
      paramLabel = "ACTION",
      description = "start, status, pause, resume or stop")
  String action;

  @Option(names = "--reason", defaultValue = "maintenance", description = "Why (for pause).")
  String reason;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LifeboatConfig loaded = config.load();
    String cluster = clusterOption.require(loaded);
    PrintWriter out = spec.commandLine().getOut();
    try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
      FailoverClient failovers = new FailoverClient(client.temporal());
      switch (action) {
        case "start" -> out.println(failovers.startMonitor(cluster));
        case "status" -> print(out, failovers.monitorStatus(cluster));
        case "pause" -> out.println(failovers.pauseMonitor(cluster, reason + " (" + user() + ")"));
        case "resume" -> out.println(failovers.resumeMonitor(cluster));
        case "stop" -> out.println(failovers.stopMonitor(cluster));
        default ->
            throw new IllegalArgumentException(
                "'" + action + "' is not an action; use start, status, pause, resume or stop");
      }
      return ExitCodes.OK;
    }
  }

  private static String user() {
    return System.getProperty("user.name");
  }

  static void print(PrintWriter out, MonitorStatus s) {
    out.printf(
        Locale.ROOT,
        "Monitor of %s: primary %s, failover %s; checks every %,d ms, DOWN after %d failures;"
            + " %,d rounds, last at %s%n",
        s.cluster(),
        s.primary(),
        s.paused() ? "PAUSED (" + s.pauseReason() + ")" : "automatic",
        s.intervalMillis(),
        s.failuresBeforeDown(),
        s.rounds(),
        Instant.ofEpochMilli(s.checkedAtMillis()));
    out.printf(
        "%-10s %-10s %-8s %-8s %-8s %-9s %-12s %s%n",
        "NODE", "REGION", "VERDICT", "ROLE", "FAILS", "LATENCY", "LAG BYTES", "ERROR");
    for (MonitoredNode n : s.nodes()) {
      out.printf(
          Locale.ROOT,
          "%-10s %-10s %-8s %-8s %-8d %-9s %-12s %s%n",
          n.node(),
          n.region(),
          n.verdict(),
          n.role().name().toLowerCase(Locale.ROOT),
          n.consecutiveFailures(),
          n.latencyMillis() + " ms",
          String.format(Locale.ROOT, "%,d", n.lagBytes()),
          n.error() == null ? "" : n.error());
    }
    if (s.lastFailover() != null) {
      out.println("Last failover started: " + s.lastFailover());
    }
  }
}
