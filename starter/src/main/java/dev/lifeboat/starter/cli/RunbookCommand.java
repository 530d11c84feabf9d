package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.runbook.RunbookLibrary;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.starter.client.RunbookClient;
import dev.lifeboat.workflows.runbook.ArgumentResolver;
import dev.lifeboat.workflows.runbook.ParameterBinder;
import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookMode;
import dev.lifeboat.workflows.runbook.RunbookParameter;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookRunStatus;
import dev.lifeboat.workflows.runbook.RunbookStep;
import dev.lifeboat.workflows.runbook.StepStatus;
import io.temporal.common.converter.GlobalDataConverter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lifeboat runbook}: incident runbooks as durable workflows. */
@Command(
    name = "runbook",
    mixinStandardHelpOptions = true,
    description = "List, validate, plan, run and steer incident runbooks (RunbookWorkflow).",
    subcommands = {
      RunbookCommand.ListCommand.class,
      RunbookCommand.Validate.class,
      RunbookCommand.Plan.class,
      RunbookCommand.Run.class,
      RunbookCommand.Status.class,
      RunbookCommand.Approve.class,
      RunbookCommand.Pause.class,
      RunbookCommand.Resume.class,
      RunbookCommand.Retry.class,
      RunbookCommand.Skip.class,
      RunbookCommand.Abort.class,
      RunbookCommand.Confirm.class,
      RunbookCommand.History.class
    })
public final class RunbookCommand {

  /** The {@code --dir} option: where the runbooks are. */
  static final class DirOption {
    @Option(
        names = "--dir",
        paramLabel = "DIR",
        description = "Runbook folder (default: $LIFEBOAT_RUNBOOKS, else ./runbooks-yaml).")
    Path dir;

    RunbookLibrary load() {
      return RunbookLibrary.load(RunbookLibrary.locate(dir, System.getenv()));
    }
  }

  /** {@code lifeboat runbook list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runbooks.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin DirOption dir;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "%-28s %-9s %-6s %5s  %s%n",
          "NAME",
          "SEVERITY",
          "TIME",
          "STEPS",
          "DESCRIPTION");
      for (Runbook runbook : dir.load().all().values()) {
        out.printf(
            Locale.ROOT,
            "%-28s %-9s %-6s %5d  %s%n",
            runbook.name(),
            String.valueOf(runbook.severity()),
            String.valueOf(runbook.estimatedTime()),
            runbook.steps().size(),
            runbook.description() == null ? "" : runbook.description().strip());
      }
      return ExitCodes.OK;
    }
  }

  /** {@code lifeboat runbook validate FILE}. */
  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = {
        "Validate one runbook file (and the runbooks it calls, from its folder).",
        "Every problem is reported with file:line:column; exit code 2 when there is any."
      })
  static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      Runbook runbook = RunbookLibrary.loadFile(file);
      spec.commandLine()
          .getOut()
          .printf(
              Locale.ROOT,
              "%s: runbook %s is valid: %d steps, %d parameters, sha256 %s%n",
              file,
              runbook.name(),
              runbook.steps().size(),
              runbook.parameters().size(),
              runbook.contentHash());
      return ExitCodes.OK;
    }
  }

  /** Options shared by {@code plan} and {@code run}. */
  abstract static class Prepared {
    @Mixin ConfigOption config;
    @Mixin ClusterOption cluster;
    @Mixin DirOption dir;

    @Parameters(paramLabel = "NAME", description = "The runbook, e.g. db-failover.")
    String name;

    @Option(
        names = {"-p", "--param"},
        paramLabel = "KEY=VALUE",
        description = "A parameter value; repeat for several.")
    Map<String, String> params = new LinkedHashMap<>();

    @Spec CommandSpec spec;

    /** Validates everything before a workflow could start: runbooks, cluster, parameters. */
    RunbookRequest request(RunbookMode mode, LifeboatConfig loaded) {
      RunbookLibrary library = dir.load();
      Runbook runbook = library.get(name);
      String clusterName = cluster.require(loaded);
      ParameterBinder.bind(runbook.parameters(), params);
      return new RunbookRequest(
          runbook,
          params,
          mode,
          clusterName,
          library.calledFrom(name),
          System.getProperty("user.name"));
    }
  }

  /** {@code lifeboat runbook plan NAME}. */
  @Command(
      name = "plan",
      mixinStandardHelpOptions = true,
      description = {
        "Show what a run would do, with parameters filled in, without starting anything.",
        "--json prints the workflow input for 'temporal workflow start --type RunbookWorkflow'."
      })
  static final class Plan extends Prepared implements Callable<Integer> {
    @Option(names = "--json", description = "Print the RunbookWorkflow input as JSON.")
    boolean json;

    @Option(
        names = "--mode",
        defaultValue = "dry-run",
        description = "Mode written into the --json input (default: ${DEFAULT-VALUE}).")
    String mode;

    @Override
    public Integer call() {
      RunbookRequest request = request(RunbookMode.parse(mode), config.load());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(
            GlobalDataConverter.get().toPayload(request).orElseThrow().getData().toStringUtf8());
        return ExitCodes.OK;
      }
      Runbook runbook = request.runbook();
      Map<String, String> bound = ParameterBinder.bind(runbook.parameters(), request.params());
      out.printf(
          Locale.ROOT,
          "Runbook %s (%s, about %s) on cluster %s, sha256 %s%n",
          runbook.name(),
          runbook.severity(),
          runbook.estimatedTime(),
          request.cluster(),
          runbook.contentHash());
      for (RunbookParameter parameter : runbook.parameters()) {
        out.printf(Locale.ROOT, "  %s = %s%n", parameter.name(), bound.get(parameter.name()));
      }
      printSteps(out, runbook.steps(), bound, "");
      if (!runbook.verify().isEmpty()) {
        out.println("verify:");
        printSteps(out, runbook.verify(), bound, "");
      }
      if (runbook.rollbackAfter() != null) {
        out.println(
            "Rolls back by itself "
                + runbook.rollbackAfter()
                + " after the last step unless confirmed ('lifeboat runbook confirm RUN')"
                + (runbook.verify().isEmpty() ? "." : " or verified."));
      }
      return ExitCodes.OK;
    }

    private static void printSteps(
        PrintWriter out, List<RunbookStep> steps, Map<String, String> bound, String indent) {
      int n = 1;
      for (RunbookStep step : steps) {
        out.printf(
            Locale.ROOT,
            "%s%d. %-24s %-13s %s%s%n",
            indent,
            n++,
            step.id(),
            step.type(),
            ArgumentResolver.resolve(step.with(), bound),
            (step.timeout() == null ? "" : " timeout " + step.timeout())
                + (step.when() == null ? "" : " when " + step.when())
                + (step.approval() == null ? "" : " approval by " + step.approval().approvers())
                + " onFailure "
                + step.onFailure().label());
        printSteps(out, step.parallel(), bound, indent + "   ");
        if (!step.rollback().isEmpty()) {
          out.println(indent + "   rollback:");
          printSteps(out, step.rollback(), bound, indent + "   ");
        }
      }
    }
  }

  /** {@code lifeboat runbook run NAME}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run a runbook and follow it step by step; the run goes on if this command stops.",
        "Exit code 0 when it succeeded (or planned, in dry-run), 1 otherwise."
      })
  static final class Run extends Prepared implements Callable<Integer> {
    @Option(
        names = "--mode",
        defaultValue = "live",
        paramLabel = "live|dry-run|practice",
        description = "live, dry-run (plans only) or practice (drill clusters only).")
    String mode;

    @Option(names = "--detach", description = "Start the run and return at once.")
    boolean detach;

    @Override
    public Integer call() throws Exception {
      LifeboatConfig loaded = config.load();
      RunbookMode runMode = RunbookMode.parse(mode);
      RunbookRequest request = request(runMode, loaded);
      if (runMode == RunbookMode.PRACTICE
          && !loaded.cluster(request.cluster()).orElseThrow().drill()) {
        throw new IllegalArgumentException(
            "cluster "
                + request.cluster()
                + " is not marked 'drill: true' in "
                + loaded.source()
                + "; practice runs only touch drill clusters");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (LifeboatClient lifeboat = LifeboatClient.connect(loaded.temporal())) {
        RunbookClient runs = new RunbookClient(lifeboat.temporal());
        RunbookClient.Started started = runs.start(request);
        out.printf(
            Locale.ROOT,
            "Runbook %s started in %s mode: %s%n  Web UI: %s%n",
            request.runbook().name(),
            runMode.label(),
            started.workflowId(),
            loaded.temporal().runUrl(started.workflowId(), started.runId()));
        out.flush();
        if (detach) {
          return ExitCodes.OK;
        }
        return follow(runs, started.workflowId(), out);
      }
    }
  }

  /** Prints each step as it changes, then the table, until the run ends. */
  static int follow(RunbookClient runs, String workflowId, PrintWriter out) throws Exception {
    Map<String, String> seen = new HashMap<>();
    while (!runs.closed(workflowId)) {
      RunbookRunStatus status = runs.status(workflowId);
      for (StepStatus step : status.steps()) {
        String key = step.status() + "/" + step.attempts();
        if (!key.equals(seen.put(step.id(), key)) && !StepStatus.PENDING.equals(step.status())) {
          out.printf(
              Locale.ROOT,
              "  %-32s %-17s %s%n",
              step.id(),
              step.status(),
              RunbookTable.detail(step));
          out.flush();
        }
      }
      Thread.sleep(1000);
    }
    RunbookResult result = runs.await(workflowId, Duration.ofSeconds(30));
    out.printf(
        Locale.ROOT, "Runbook %s %s: %s%n", result.runbook(), result.outcome(), result.reason());
    RunbookTable.print(out, result.steps());
    return result.succeeded() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** The run's workflow id, shared by the controls. */
  abstract static class OnRun {
    @Mixin ConfigOption config;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's workflow id.")
    String run;

    @Spec CommandSpec spec;

    int control(java.util.function.Function<RunbookClient, String> action) {
      LifeboatConfig loaded = config.load();
      try (LifeboatClient lifeboat = LifeboatClient.connect(loaded.temporal())) {
        spec.commandLine().getOut().println(action.apply(new RunbookClient(lifeboat.temporal())));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code lifeboat runbook status RUN}. */
  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a run's steps.")
  static final class Status extends OnRun implements Callable<Integer> {
    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      try (LifeboatClient lifeboat = LifeboatClient.connect(loaded.temporal())) {
        RunbookRunStatus status = new RunbookClient(lifeboat.temporal()).status(run);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
            Locale.ROOT,
            "Run %s of %s (%s mode, sha256 %s): %s%s%s%n",
            run,
            status.runbook(),
            status.mode(),
            status.contentHash(),
            status.state(),
            status.paused() ? ", paused" : "",
            status.confirmBy() == null
                ? ""
                : ", rolls back at " + status.confirmBy() + " unless confirmed");
        RunbookTable.print(out, status.steps());
        return ExitCodes.OK;
      }
    }
  }

  /** {@code lifeboat runbook approve RUN STEP --as NAME --hash H}. */
  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = "Approve a step; --hash is the step's hash from 'status', signing what runs.")
  static final class Approve extends OnRun implements Callable<Integer> {
    @Parameters(index = "1", paramLabel = "STEP")
    String step;

    @Option(names = "--as", required = true, paramLabel = "NAME", description = "Who approves.")
    String approver;

    @Option(names = "--hash", required = true, paramLabel = "SHA256")
    String hash;

    @Override
    public Integer call() {
      return control(runs -> runs.approve(run, step, approver, hash));
    }
  }

  /** {@code lifeboat runbook pause RUN}. */
  @Command(
      name = "pause",
      mixinStandardHelpOptions = true,
      description = "Stop before the next step.")
  static final class Pause extends OnRun implements Callable<Integer> {
    @Override
    public Integer call() {
      return control(runs -> runs.pause(run));
    }
  }

  /** {@code lifeboat runbook resume RUN}. */
  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Go on after a pause.")
  static final class Resume extends OnRun implements Callable<Integer> {
    @Override
    public Integer call() {
      return control(runs -> runs.resume(run));
    }
  }

  /** {@code lifeboat runbook retry RUN STEP}. */
  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Try a failed step again.")
  static final class Retry extends OnRun implements Callable<Integer> {
    @Parameters(index = "1", paramLabel = "STEP")
    String step;

    @Override
    public Integer call() {
      return control(runs -> runs.retry(run, step));
    }
  }

  /** {@code lifeboat runbook skip RUN STEP --reason R}. */
  @Command(
      name = "skip",
      mixinStandardHelpOptions = true,
      description = "Skip a failed step, or a step that has not started.")
  static final class Skip extends OnRun implements Callable<Integer> {
    @Parameters(index = "1", paramLabel = "STEP")
    String step;

    @Option(names = "--reason", required = true, description = "Why, for the audit record.")
    String reason;

    @Override
    public Integer call() {
      return control(runs -> runs.skip(run, step, reason));
    }
  }

  /** {@code lifeboat runbook abort RUN}. */
  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description = "End the run; completed steps are rolled back unless --no-rollback.")
  static final class Abort extends OnRun implements Callable<Integer> {
    @Option(names = "--no-rollback", description = "Leave completed steps as they are.")
    boolean noRollback;

    @Override
    public Integer call() {
      return control(runs -> runs.abort(run, !noRollback));
    }
  }

  /** {@code lifeboat runbook confirm RUN}. */
  @Command(
      name = "confirm",
      mixinStandardHelpOptions = true,
      description = "Confirm a run that waits after its last step, so it does not roll back.")
  static final class Confirm extends OnRun implements Callable<Integer> {
    @Override
    public Integer call() {
      return control(runs -> runs.confirm(run));
    }
  }

  /** {@code lifeboat runbook history [NAME]}. */
  @Command(name = "history", mixinStandardHelpOptions = true, description = "List past runs.")
  static final class History implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(arity = "0..1", paramLabel = "NAME")
    String name;

    @Option(names = "--limit", defaultValue = "20")
    int limit;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      try (LifeboatClient lifeboat = LifeboatClient.connect(loaded.temporal())) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-52s %-10s %-26s %s%n", "RUN", "STATUS", "STARTED", "OUTCOME");
        for (RunbookClient.RunSummary run :
            new RunbookClient(lifeboat.temporal()).history(name, limit)) {
          out.printf(
              Locale.ROOT,
              "%-52s %-10s %-26s %s%n",
              run.workflowId(),
              run.status(),
              run.started(),
              run.outcome());
        }
        return ExitCodes.OK;
      }
    }
  }
}
