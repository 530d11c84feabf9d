package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kubernetes}: {@code kubectl --context C [--namespace N] ARGS...}, the context always
 * explicit so a runbook never acts on whatever context happens to be current on the worker.
 */
final class KubernetesStep implements StepAction {

  /** The value runbooks use for "no Kubernetes here". */
  static final String NO_CONTEXT = "none";

  private final ProcessRunner runner;

  KubernetesStep(ProcessRunner runner) {
    this.runner = runner;
  }

  @Override
  public StepResult plan(StepInvocation step) {
    StepArgs args = new StepArgs(step);
    String context = args.optionalText("context", "");
    if (context.isBlank() || context.equals(NO_CONTEXT)) {
      return StepResult.of(
          "no Kubernetes context configured: would fail; pass --param kubeContext=NAME");
    }
    return StepResult.of("would run " + argv(context, args));
  }

  @Override
  public StepResult execute(StepInvocation step) throws Exception {
    StepArgs args = new StepArgs(step);
    String context = args.optionalText("context", "");
    if (context.isBlank() || context.equals(NO_CONTEXT)) {
      throw new InvalidStepException(
          "step "
              + step.stepId()
              + " needs Kubernetes but no context is configured; pass --param kubeContext=NAME"
              + " ('kubectl config get-contexts' lists them)");
    }
    return CommandStep.run(
        runner,
        argv(context, args),
        List.of("PATH", "HOME", "KUBECONFIG"),
        null,
        step.timeoutSeconds());
  }

  private static List<String> argv(String context, StepArgs args) {
    List<String> argv = new ArrayList<>(List.of("kubectl", "--context", context));
    String namespace = args.optionalText("namespace", null);
    if (namespace != null && !namespace.isBlank()) {
      argv.add("--namespace");
      argv.add(namespace);
    }
    argv.addAll(args.list("args"));
    return argv;
  }
}
