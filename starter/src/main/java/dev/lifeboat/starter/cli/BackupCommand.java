package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupProgress;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat backup}: backups of a cluster. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = "Take backups through BackupWorkflow.",
    subcommands = {BackupCommand.Full.class})
public final class BackupCommand {

  /** {@code lifeboat backup full}: a full base backup to the configured destinations. */
  @Command(
      name = "full",
      mixinStandardHelpOptions = true,
      description = {
        "Take a full base backup (pg_basebackup, compressed, encrypted, checksummed) and store it",
        "in every configured destination (or --destination ...). Waits and shows the progress;",
        "exit code 0 when the quorum of copies is sealed."
      })
  static final class Full implements Callable<Integer> {

    @Mixin ConfigOption config;

    @Option(
        names = "--cluster",
        defaultValue = "shop",
        description = "Cluster (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(
        names = "--from",
        paramLabel = "NODE",
        description = "Node to read from (default: the primary).")
    String sourceNode;

    @Option(
        names = "--destination",
        split = ",",
        paramLabel = "NAME",
        description = "Destinations to use (default: all configured).")
    List<String> destinations = List.of();

    @Option(
        names = "--quorum",
        defaultValue = "0",
        description = "Copies that must succeed (default: all).")
    int quorum;

    @Option(
        names = "--timeout",
        defaultValue = "PT2H",
        description = "How long to wait (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Start the backup and print its id without waiting.")
    boolean noWait;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      if (loaded.cluster(cluster).isEmpty()) {
        throw new IllegalArgumentException(
            "cluster '"
                + cluster
                + "' is not in "
                + loaded.source()
                + "; configured clusters: "
                + loaded.clusters().keySet());
      }
      if (quorum < 0) {
        throw new IllegalArgumentException(
            "--quorum " + quorum + " is negative; use 0 for all destinations");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
        LifeboatClient.BackupRun run =
            client.startBackup(
                new BackupRequest(cluster, BackupRequest.FULL, sourceNode, destinations, quorum));
        out.println("Backup started: " + run.workflowId());
        out.println("Web UI: " + run.uiUrl());
        out.flush();
        if (noWait) {
          return ExitCodes.OK;
        }
        BackupResult result = follow(client, run.workflowId(), out);
        print(result, out);
        return ExitCodes.OK;
      }
    }

    /** Polls the workflow's progress query until the result arrives, printing phase changes. */
    private BackupResult follow(LifeboatClient client, String workflowId, PrintWriter out)
        throws Exception {
      long deadline = System.nanoTime() + timeout.toNanos();
      String lastPhase = "";
      while (true) {
        try {
          return client.awaitBackup(workflowId, Duration.ofSeconds(2));
        } catch (TimeoutException stillRunning) {
          if (System.nanoTime() > deadline) {
            throw new TimeoutException(
                "backup "
                    + workflowId
                    + " is still running after "
                    + timeout
                    + "; it continues, follow it in the Web UI");
          }
          BackupProgress progress = client.backupProgress(workflowId);
          String phase =
              progress.phase()
                  + (progress.landing() == null ? "" : " (" + progress.landing() + ")");
          if (!phase.equals(lastPhase)) {
            out.printf("  %s, sealed copies: %s%n", phase, progress.completeCopies());
            out.flush();
            lastPhase = phase;
          }
        }
      }
    }

    private static void print(BackupResult result, PrintWriter out) {
      out.printf(
          Locale.ROOT,
          "%nBackup %s of %s from %s: WAL %s to %s, %,d bytes read, %d of %d copies sealed (quorum %d)%n",
          result.backupId(),
          result.cluster(),
          result.sourceNode(),
          result.startLsn(),
          result.stopLsn(),
          result.rawBytes(),
          result.completeCopies(),
          result.copies().size(),
          result.quorum());
      for (BackupCopy copy : result.copies()) {
        out.printf(
            Locale.ROOT,
            "  %-8s %-7s %,15d bytes  %s%n",
            copy.destination(),
            copy.complete() ? "sealed" : "MISSING",
            copy.storedBytes(),
            copy.complete() ? copy.url() : copy.error());
      }
    }
  }
}
