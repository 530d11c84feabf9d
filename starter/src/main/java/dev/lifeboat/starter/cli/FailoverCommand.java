package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.FailoverClient;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.model.FailbackResult;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverProgress;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.FenceReport;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat failover}: manual failover or switchover, failback, approval, history. */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    description = {
      "Fail over to a region's standby now (--to REGION), or switch over with no data loss",
      "(--switchover). The old primary is fenced (PgBouncer paused, writes refused, server",
      "stopped), the standby promoted and every traffic endpoint pointed at it."
    },
    subcommands = {
      FailoverCommand.Failback.class,
      FailoverCommand.Decide.class,
      FailoverCommand.History.class,
      FailoverCommand.Status.class
    })
public final class FailoverCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin ClusterOption clusterOption;

  @Option(names = "--to", paramLabel = "REGION", description = "Promote the standby in REGION.")
  String region;

  @Option(
      names = "--from",
      paramLabel = "NODE",
      description = {
        "The old primary, when it is already gone. Needed only when more than one node does",
        "not answer as a standby; otherwise Lifeboat finds it."
      })
  String from;

  @Option(names = "--switchover", description = "Planned: wait until nothing would be lost.")
  boolean switchover;

  @Option(names = "--reason", defaultValue = "manual failover", description = "For the record.")
  String reason;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    LifeboatConfig loaded = config.load();
    String cluster = clusterOption.require(loaded);
    PrintWriter out = spec.commandLine().getOut();
    String mode = switchover ? FailoverRequest.SWITCHOVER : FailoverRequest.FAILOVER;
    try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
      out.printf(
          "%s of %s to %s started%n", mode, cluster, region == null ? "the best standby" : region);
      out.flush();
      FailoverResult result =
          new FailoverClient(client.temporal())
              .manualFailover(
                  cluster,
                  region,
                  from,
                  mode,
                  reason,
                  System.getProperty("user.name"),
                  p -> printStep(out, p));
      print(out, result);
      return ExitCodes.OK;
    }
  }

  /** One line per step; an approval it waits for says why and how to give it. */
  static void printStep(PrintWriter out, FailoverProgress p) {
    out.printf("  %s%n", p.step());
    if ("awaiting-approval".equals(p.step())) {
      for (FenceReport f : p.fencing()) {
        out.printf("  fence     %-22s %-4s %s%n", f.layer(), f.done() ? "done" : "no", f.detail());
      }
      out.printf(
          Locale.ROOT,
          "  WAITING FOR AN APPROVAL: %s%n  estimated loss %,d bytes (budget %,d). Approve with"
              + " 'lifeboat failover decide --cluster %s --approver NAME --accept-loss %d', or"
              + " reject with --reject.%n",
          p.approvalNeededBecause(),
          p.estimatedLossBytes(),
          p.budgetBytes(),
          p.cluster(),
          p.estimatedLossBytes());
    }
    out.flush();
  }

  static void print(PrintWriter out, FailoverResult r) {
    out.printf(
        Locale.ROOT,
        "%s of %s at %s: %s -> %s (%s), requested by %s: %s%n",
        r.mode(),
        r.cluster(),
        Instant.ofEpochMilli(r.startedAtMillis()),
        r.oldPrimary(),
        r.newPrimary(),
        r.newPrimaryRegion(),
        r.requestedBy(),
        r.reason());
    for (FenceReport f : r.fencing()) {
      out.printf("  fence     %-22s %-4s %s%n", f.layer(), f.done() ? "done" : "no", f.detail());
    }
    for (FenceReport f : r.redirects()) {
      out.printf("  redirect  %-22s %-4s %s%n", f.layer(), f.done() ? "done" : "no", f.detail());
    }
    out.printf(
        Locale.ROOT,
        "  detection %,d ms, promotion %,d ms, redirect %,d ms, RTO %,d ms; WAL not received by"
            + " the new primary: %,d bytes%s%n",
        r.detectionMillis(),
        r.promotionMillis(),
        r.redirectMillis(),
        r.rtoMillis(),
        r.estimatedLossBytes(),
        r.approvedBy() == null ? "" : " (accepted by " + r.approvedBy() + ")");
  }

  /** {@code lifeboat failover failback}. */
  @Command(
      name = "failback",
      mixinStandardHelpOptions = true,
      description =
          "Rejoin old primaries as standbys (pg_rewind, or a fresh copy), then switch back to the"
              + " node with the highest priority unless --stay.")
  static final class Failback implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin ClusterOption clusterOption;

    @Option(names = "--stay", description = "Keep the current primary; only rejoin the others.")
    boolean stay;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        FailbackResult result =
            new FailoverClient(client.temporal())
                .failback(cluster, !stay, System.getProperty("user.name"));
        result
            .rejoined()
            .forEach(
                r ->
                    out.printf(
                        Locale.ROOT,
                        "rejoined %s by %s in %,d ms%n",
                        r.node(),
                        r.method(),
                        r.millis()));
        if (result.switchback() != null) {
          print(out, result.switchback());
        }
        out.println("primary: " + result.primary());
        return ExitCodes.OK;
      }
    }
  }

  /** {@code lifeboat failover approve|reject}. */
  @Command(
      name = "decide",
      aliases = {"approve"},
      mixinStandardHelpOptions = true,
      description = "Approve (or --reject) a failover that waits because it would lose data.")
  static final class Decide implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin ClusterOption clusterOption;

    @Option(names = "--approver", required = true, description = "Your name, for the record.")
    String approver;

    @Option(
        names = "--accept-loss",
        paramLabel = "BYTES",
        defaultValue = "0",
        description = "The loss you accept; at least the estimate `failover status` shows.")
    long acceptedLoss;

    @Option(names = "--reject", description = "Reject: the fencing is undone.")
    boolean reject;

    @Option(names = "--comment", defaultValue = "", description = "Why.")
    String comment;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        spec.commandLine()
            .getOut()
            .println(
                new FailoverClient(client.temporal())
                    .decide(
                        cluster, new FailoverApproval(approver, !reject, acceptedLoss, comment)));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code lifeboat failover status}. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "The current primary and each node's health (from the monitor), a running failover's"
              + " step and estimated loss, and the last failover.")
  static final class Status implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin ClusterOption clusterOption;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        FailoverClient failovers = new FailoverClient(client.temporal());
        FailoverClient.Status status = failovers.getStatus(cluster);
        if (status.monitor() != null) {
          MonitorCommand.print(out, status.monitor());
        } else {
          out.println(
              "No monitor runs for " + cluster + ": start one with 'lifeboat monitor start'.");
        }
        failovers
            .progress(cluster)
            .filter(p -> !"done".equals(p.step()))
            .ifPresent(
                p ->
                    out.printf(
                        Locale.ROOT,
                        "Failover running: %s; %s -> %s, estimated loss %,d bytes (budget %,d)%n",
                        p.step(),
                        p.oldPrimary(),
                        p.candidate(),
                        p.estimatedLossBytes(),
                        p.budgetBytes()));
        failovers
            .progress(cluster)
            .filter(p -> p.approvalNeededBecause() != null && "awaiting-approval".equals(p.step()))
            .ifPresent(p -> out.printf("Waiting for an approval: %s%n", p.approvalNeededBecause()));
        if (status.lastFailover() != null) {
          out.println("Last failover:");
          print(out, status.lastFailover());
        }
        return ExitCodes.OK;
      }
    }
  }

  /** {@code lifeboat failover history}. */
  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = "Finished failovers and switchovers of the cluster, newest first.")
  static final class History implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin ClusterOption clusterOption;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many.")
    int limit;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        var history = new FailoverClient(client.temporal()).history(cluster, limit);
        if (history.isEmpty()) {
          out.println("no finished failover of " + cluster);
        }
        history.forEach(r -> print(out, r));
        return ExitCodes.OK;
      }
    }
  }
}
