package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.ArchiveClient;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalDestinationHealth;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat archive start|status|stop}: continuous WAL archiving (WalArchiverWorkflow). */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = "Continuous WAL archiving of a cluster (WalArchiverWorkflow).",
    subcommands = {
      ArchiveCommand.Start.class,
      ArchiveCommand.Status.class,
      ArchiveCommand.Stop.class
    })
public final class ArchiveCommand {

  /** Starts the archiver unless it runs. */
  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Start the WAL archiver of a cluster (workflow wal-archiver-<cluster>) unless it is running:",
        "pg_receivewal on the slot lifeboat_archiver_<cluster>, every closed segment compressed,",
        "encrypted and stored in every configured destination. Idempotent."
      })
  static final class Start implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin ClusterOption clusterOption;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        ArchiveClient.Started started = new ArchiveClient(client.temporal()).ensureRunning(cluster);
        out.printf(
            "%s %s%nWeb UI: %s%n",
            started.alreadyRunning() ? "WAL archiver already running:" : "WAL archiver started:",
            started.workflowId(),
            loaded.temporal().runUrl(started.workflowId(), started.runId()));
      }
      return ExitCodes.OK;
    }
  }

  /** Shows the archive lag and each destination's health. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "Show the archiver's last archived segment, the archive lag (RPO: bytes and seconds of WAL",
        "on the primary not yet archived) and each destination's health. Exit code 1 when a",
        "destination is failing or the archiver reports a warning."
      })
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
        WalArchiveStatus status = new ArchiveClient(client.temporal()).status(cluster);
        print(status, out);
        boolean healthy =
            status.warning() == null
                && status.destinations().stream().allMatch(WalDestinationHealth::healthy);
        return healthy ? ExitCodes.OK : ExitCodes.FAILED;
      }
    }
  }

  /** Stops the archiver cleanly. */
  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = {
        "Stop the WAL archiver: the segments already closed are shipped, then it ends.",
        "With --drop-slot its replication slot is dropped too, so the primary stops keeping WAL",
        "for it (the next start begins a new archive)."
      })
  static final class Stop implements Callable<Integer> {
    @Mixin ConfigOption config;
    @Mixin ClusterOption clusterOption;

    @Option(names = "--drop-slot", description = "Also drop the replication slot.")
    boolean dropSlot;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      String cluster = clusterOption.require(loaded);
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        WalArchiveStatus status = new ArchiveClient(client.temporal()).stop(cluster, dropSlot);
        out.println("WAL archiver of " + cluster + " stopped" + (dropSlot ? ", slot dropped" : ""));
        print(status, out);
      }
      return ExitCodes.OK;
    }
  }

  /** Prints a status as a small report and a table of destinations. */
  static void print(WalArchiveStatus s, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Archiver of %s: %s from %s, slot %s%n",
        s.cluster(),
        s.phase(),
        s.source() == null ? "-" : s.source(),
        s.slot());
    out.printf(
        Locale.ROOT,
        "Last segment: %s (archived through LSN %s), closed %s, stored %s%n",
        orDash(s.lastSegment()),
        orDash(s.lastLsn()),
        orDash(s.lastSegmentClosedAt()),
        orDash(s.lastArchivedAt()));
    out.printf(
        Locale.ROOT,
        "Archive lag (RPO): %,d bytes, %.1f s (primary at %s, measured %s)%n",
        s.lagBytes(),
        s.lagSeconds(),
        orDash(s.primaryLsn()),
        orDash(s.lagMeasuredAt()));
    out.printf(
        Locale.ROOT,
        "Segments archived: %,d in %,d slices; complete in every destination through %s%n",
        s.segmentsArchived(),
        s.slices(),
        orDash(s.completeThrough()));
    if (s.warning() != null) {
      out.println("WARNING: " + s.warning());
    }
    if (s.lastError() != null) {
      out.println("Last error: " + s.lastError());
    }
    out.printf(
        "%-10s %-24s %-30s %7s  %s%n",
        "DESTINATION", "LAST SEGMENT", "LAST SUCCESS", "BACKLOG", "STATE");
    for (WalDestinationHealth d : s.destinations()) {
      out.printf(
          Locale.ROOT,
          "%-10s %-24s %-30s %7d  %s%n",
          d.destination(),
          orDash(d.lastSegment()),
          orDash(d.lastSuccess()),
          d.backlog(),
          d.lastError() == null ? "ok" : "FAILING: " + d.lastError());
    }
  }

  private static String orDash(Object value) {
    return value == null ? "-" : value.toString();
  }
}
