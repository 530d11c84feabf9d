package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import java.io.IOException;
import java.util.List;

/**
 * {@code command}: a program and its arguments as a list (never a shell string), an allow-list of
 * environment variables, an optional working directory. A non-zero exit fails the attempt.
 */
final class CommandStep implements StepAction {

  private final ProcessRunner runner;

  CommandStep(ProcessRunner runner) {
    this.runner = runner;
  }

  @Override
  public StepResult plan(StepInvocation step) {
    StepArgs args = new StepArgs(step);
    return StepResult.of(
        "would run "
            + args.list("argv")
            + " in "
            + args.optionalText("workdir", "the worker's directory")
            + " with environment "
            + args.list("env"));
  }

  @Override
  public StepResult execute(StepInvocation step) throws Exception {
    StepArgs args = new StepArgs(step);
    return run(
        runner,
        args.list("argv"),
        args.list("env"),
        args.optionalText("workdir", null),
        step.timeoutSeconds());
  }

  /** Runs argv and turns a non-zero exit into a failure that shows the end of the output. */
  static StepResult run(
      ProcessRunner runner, List<String> argv, List<String> env, String workdir, long timeout)
      throws Exception {
    if (argv.isEmpty()) {
      throw new InvalidStepException("argv is empty; give the program and its arguments");
    }
    ProcessRunner.Outcome outcome = runner.run(argv, env, workdir, timeout);
    if (outcome.exitCode() != 0) {
      throw new IOException(
          argv.get(0)
              + " exited with "
              + outcome.exitCode()
              + ": "
              + ProcessRunner.tail(outcome.output()));
    }
    return StepResult.of(outcome.output());
  }
}
