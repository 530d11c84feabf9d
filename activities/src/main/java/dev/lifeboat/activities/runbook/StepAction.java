package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;

/** One runbook step type: what it would do, and doing it once. */
interface StepAction {

  /** Describes the step with its resolved arguments, touching nothing. */
  StepResult plan(StepInvocation step);

  /**
   * Carries the step out once.
   *
   * @throws InvalidStepException when no retry can help
   * @throws Exception when this attempt failed and another may succeed
   */
  StepResult execute(StepInvocation step) throws Exception;
}
