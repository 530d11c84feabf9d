package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The runbook step types that touch the world by themselves: {@code sql}, {@code command}, {@code
 * http}, {@code redis}, {@code cache-warmup} and {@code kubernetes}. Each type has a plan (what it
 * would do, with parameters filled in, touching nothing) and an execution. The interpreter retries,
 * so every method here is tried once per call; a failure that no retry can cure (a bad argument, a
 * missing tool) is non-retryable with type {@code RunbookStepInvalid}.
 */
@ActivityInterface(namePrefix = "Runbook_")
public interface RunbookStepActivities {

  /**
   * Says what the step would do, without side effects: the SQL and its target, the argv and its
   * environment, the request, the Redis command, the kubectl invocation.
   *
   * @param invocation the step with its arguments resolved
   * @return the plan as text
   */
  @ActivityMethod
  StepResult plan(StepInvocation invocation);

  /**
   * Carries the step out once.
   *
   * @param invocation the step with its arguments resolved
   * @return its output, truncated
   */
  @ActivityMethod
  StepResult execute(StepInvocation invocation);
}
