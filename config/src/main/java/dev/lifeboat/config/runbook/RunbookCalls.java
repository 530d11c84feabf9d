package dev.lifeboat.config.runbook;

import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookStep;
import dev.lifeboat.workflows.runbook.StepTypes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The names of the runbooks a runbook calls through {@code runbook} steps, anywhere in it. */
final class RunbookCalls {

  private RunbookCalls() {}

  static Set<String> of(Runbook runbook) {
    Set<String> names = new LinkedHashSet<>();
    collect(runbook.steps(), names);
    collect(runbook.verify(), names);
    return names;
  }

  private static void collect(List<RunbookStep> steps, Set<String> names) {
    for (RunbookStep step : steps) {
      if (StepTypes.RUNBOOK.equals(step.type()) && step.with().get("runbook") != null) {
        names.add(String.valueOf(step.with().get("runbook")));
      }
      collect(step.parallel(), names);
      collect(step.rollback(), names);
    }
  }
}
