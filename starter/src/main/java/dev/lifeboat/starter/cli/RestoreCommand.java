package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.starter.client.RestoreClient;
import dev.lifeboat.workflows.model.QueryCheck;
import dev.lifeboat.workflows.model.RestoreReport;
import dev.lifeboat.workflows.model.RestoreRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat restore}: a backup chain into a new data directory, to a point in time. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a cluster from a backup chain (full, incrementals, archived WAL) into a new data",
      "directory on the worker of the source's region, start PostgreSQL on it, recover to the",
      "target, validate it. The server keeps running on --port. Exit 0 when every check passed."
    })
public final class RestoreCommand implements Callable<Integer> {

  @Mixin ConfigOption config;

  @Mixin ClusterOption clusterOption;

  @Option(
      names = "--backup",
      paramLabel = "ID",
      description = "The backup to restore (default: the newest, or the newest before the target).")
  String backupId;

  @Option(
      names = "--target-time",
      paramLabel = "T",
      description = "Recover to this instant, ISO-8601, e.g. 2026-11-25T10:00:00Z.")
  String targetTime;

  @Option(names = "--target-lsn", paramLabel = "LSN", description = "Recover to this LSN.")
  String targetLsn;

  @Option(
      names = "--until-consistent",
      description = "Stop at the backup's own end point; row counts are checked against it.")
  boolean untilConsistent;

  @Option(
      names = "--pause",
      description = "Stay paused in recovery at the target instead of promoting.")
  boolean pause;

  @Option(names = "--from", paramLabel = "DESTINATION", description = "Read this destination.")
  String destination;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DIR",
      description = "The new data directory; must not exist or be empty (see --in-place).")
  String directory;

  @Option(names = "--port", required = true, description = "Port of the restored server.")
  int port;

  @Option(names = "--region", description = "Region whose worker restores (default: the source's).")
  String region;

  @Option(
      names = "--keep-on-failure",
      description = "Leave a failed restore's directory and server for inspection.")
  boolean keepOnFailure;

  @Option(
      names = "--in-place",
      description = {
        "Restore into --to even though it is not empty: its old contents are moved aside to",
        "DIR.before-restore-<UTC time> first (and back if the restore fails). Needs --force.",
        "A server still running on DIR is refused."
      })
  boolean inPlace;

  @Option(names = "--force", description = "Confirms --in-place.")
  boolean force;

  @Option(
      names = "--timeout",
      defaultValue = "PT6H",
      description = "How long to wait (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (inPlace != force) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          inPlace
              ? "--in-place replaces what is in "
                  + directory
                  + " (moved aside first); confirm it with --force"
              : "--force confirms --in-place; without --in-place there is nothing to force");
    }
    LifeboatConfig loaded = config.load();
    String cluster = clusterOption.require(loaded);
    PrintWriter out = spec.commandLine().getOut();
    try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
      RestoreClient restores = new RestoreClient(client.temporal());
      RestoreClient.Started started =
          restores.start(
              new RestoreRequest(
                  cluster,
                  backupId,
                  targetTime,
                  targetLsn,
                  untilConsistent,
                  destination,
                  directory,
                  port,
                  region,
                  !pause,
                  keepOnFailure,
                  false,
                  inPlace));
      out.println("Restore started: " + started.workflowId());
      out.println("Web UI: " + loaded.temporal().runUrl(started.workflowId(), started.runId()));
      out.flush();
      RestoreReport report = follow(client, restores, started.workflowId(), out, timeout);
      print(report, out);
      return report.proven() ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  /**
   * Prints each phase as it begins until the report arrives, with a progress bar (on stderr) of the
   * bytes laid out, from the layout activity's heartbeats.
   */
  static RestoreReport follow(
      LifeboatClient client,
      RestoreClient restores,
      String workflowId,
      PrintWriter out,
      Duration timeout)
      throws Exception {
    String[] last = {""};
    try (TransferBar bar = new TransferBar()) {
      WorkflowFollower.untilClosed(
          client,
          workflowId,
          "restore",
          timeout,
          state -> {
            String phase = restores.phase(workflowId);
            if (!phase.equals(last[0])) {
              bar.close();
              out.println("  " + phase);
              out.flush();
              last[0] = phase;
            }
            bar.show(state.progress());
          });
    }
    return restores.await(workflowId, WorkflowFollower.RESULT_AFTER_CLOSE);
  }

  static void print(RestoreReport report, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%nRestored %s of %s from %s (chain %s) into %s, port %d%n",
        report.plan().backupId(),
        report.plan().cluster(),
        report.plan().destination(),
        String.join(" -> ", report.plan().chain()),
        report.directory(),
        report.port());
    out.printf(
        Locale.ROOT,
        "  layout    %7.1f s  %,d bytes (%.1f MB/s), %d objects%n",
        report.layout().seconds(),
        report.layout().bytes(),
        report.layoutMegabytesPerSecond(),
        report.layout().count());
    int aside = report.layout().detail().indexOf("(its old contents moved aside to ");
    if (aside >= 0) {
      out.println("            " + report.layout().detail().substring(aside));
    }
    out.printf(
        Locale.ROOT,
        "  WAL       %7.1f s  %d archived segments (%s)%n",
        report.wal().seconds(),
        report.wal().count(),
        report.wal().detail());
    out.printf(
        Locale.ROOT,
        "  recovery  %7.1f s  reached %s%s, %s%n",
        report.recovery().seconds(),
        report.recovery().reachedLsn(),
        report.recovery().reachedTime() == null
            ? ""
            : " (last commit " + report.recovery().reachedTime() + ")",
        report.recovery().promoted() ? "promoted" : "paused in recovery");
    out.printf(
        Locale.ROOT,
        "  validate  %7.1f s  %d tables counted, %d indexes checked with amcheck, %d queries%n",
        report.validation().seconds(),
        report.validation().rowCounts().size(),
        report.validation().indexesChecked(),
        report.validation().queries().size());
    for (QueryCheck query : report.validation().queries()) {
      out.printf(
          Locale.ROOT,
          "            %s  %s: %s%s%n",
          query.passed() ? "ok  " : "FAIL",
          query.name(),
          query.actual(),
          query.passed() ? "" : " (expected " + query.expected() + ")");
    }
    out.printf(Locale.ROOT, "  total     %7.1f s%n", report.totalSeconds());
    for (String problem : report.validation().problems()) {
      out.println("  PROBLEM: " + problem);
    }
    out.println(report.proven() ? "Every check passed." : "Some checks FAILED.");
  }
}
