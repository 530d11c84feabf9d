package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.TableRestoreRequest;
import dev.lifeboat.workflows.model.TableRestoreResult;
import dev.lifeboat.workflows.restore.TableRestoreWorkflow;
import io.temporal.client.WorkflowOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lifeboat restore-table}: tables as of a time, beside the live ones in a new schema. */
@Command(
    name = "restore-table",
    mixinStandardHelpOptions = true,
    description = {
      "Bring tables back as they were at a time (or at a backup's end point) into the live",
      "cluster, under a new schema lifeboat_restored_<UTC time>, beside the live tables: a",
      "scratch restore, pg_dump of the tables, pg_restore into the primary, scratch torn down.",
      "With --replace --confirm TABLES the restored tables then replace the live ones."
    })
public final class RestoreTableCommand implements Callable<Integer> {

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @Mixin ConfigOption config;

  @Mixin ClusterOption clusterOption;

  @Option(
      names = "--table",
      required = true,
      split = ",",
      paramLabel = "SCHEMA.TABLE",
      description = "Tables to bring back, e.g. public.alerts.")
  List<String> tables;

  @Option(names = "--target-time", paramLabel = "T", description = "As of this instant (ISO-8601).")
  String targetTime;

  @Option(names = "--backup", paramLabel = "ID", description = "As of this backup's end point.")
  String backupId;

  @Option(names = "--from", paramLabel = "DESTINATION", description = "Read this destination.")
  String destination;

  @Option(
      names = "--scratch-port",
      defaultValue = "55497",
      description = "Port of the scratch server (default: ${DEFAULT-VALUE}).")
  int scratchPort;

  @Option(
      names = "--replace",
      description = {
        "Replace the live tables with the restored ones: each live table is kept in schema",
        "lifeboat_replaced_<UTC time>, the restored one takes its place with its foreign keys,",
        "owner and sequence positions. Needs --confirm with the same tables."
      })
  boolean replace;

  @Option(
      names = "--confirm",
      split = ",",
      paramLabel = "SCHEMA.TABLE",
      description = "Repeat the tables of --table to confirm --replace.")
  List<String> confirm;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    LifeboatConfig loaded = config.load();
    String cluster = clusterOption.require(loaded);
    if ((targetTime == null) == (backupId == null)) {
      throw new IllegalArgumentException("give exactly one of --target-time and --backup");
    }
    List<String> confirmed = confirm == null ? List.of() : confirm;
    if (replace && !new java.util.TreeSet<>(confirmed).equals(new java.util.TreeSet<>(tables))) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--replace swaps the live tables for the restored ones; confirm it with --confirm "
              + String.join(",", tables));
    }
    if (!replace && !confirmed.isEmpty()) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--confirm confirms --replace; without --replace it means nothing");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (LifeboatClient client = LifeboatClient.connect(loaded.temporal())) {
      String workflowId = "table-restore-" + cluster + "-" + ID_TIME.format(Instant.now());
      out.println("Table restore started: " + workflowId);
      out.flush();
      TableRestoreResult result =
          client
              .temporal()
              .newWorkflowStub(
                  TableRestoreWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId(workflowId)
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .setWorkflowExecutionTimeout(Duration.ofHours(12))
                      .build())
              .restoreTables(
                  new TableRestoreRequest(
                      cluster,
                      tables,
                      targetTime,
                      backupId,
                      destination,
                      null,
                      scratchPort,
                      replace,
                      confirmed));
      out.printf(
          Locale.ROOT,
          "Restored from %s (chain %s) into schema %s of the primary:%n",
          result.restore().plan().backupId(),
          String.join(" -> ", result.restore().plan().chain()),
          result.schema());
      result
          .rows()
          .forEach((table, rows) -> out.printf(Locale.ROOT, "  %-40s %,d rows%n", table, rows));
      if (result.replaced().isEmpty()) {
        out.println("The live tables are untouched; compare, then copy back what you need.");
      } else {
        result
            .replaced()
            .forEach(
                (table, kept) ->
                    out.printf(
                        Locale.ROOT, "  replaced %s; the old table is kept as %s%n", table, kept));
      }
      return ExitCodes.OK;
    }
  }
}
