package dev.lifeboat.activities.runbook;

import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.activities.RunbookStepActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import dev.lifeboat.workflows.runbook.StepTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;

/** Dispatches each runbook step to its type's {@link StepAction}. */
public final class RunbookStepActivitiesImpl implements RunbookStepActivities {

  private final Map<String, StepAction> actions;

  /**
   * @param config the worker's configuration, for the nodes SQL steps name
   * @param connections how to connect to those nodes
   * @param environment this worker's environment, from which command steps get their allow-listed
   *     variables
   */
  public RunbookStepActivitiesImpl(
      LifeboatConfig config, PgConnections connections, Map<String, String> environment) {
    ProcessRunner runner = new ProcessRunner(environment);
    SqlTargets targets = new SqlTargets(config, connections);
    actions =
        Map.of(
            StepTypes.SQL, new SqlStep(targets),
            StepTypes.COMMAND, new CommandStep(runner),
            StepTypes.HTTP, new HttpStep(),
            StepTypes.REDIS, new RedisStep(),
            StepTypes.CACHE_WARMUP, new CacheWarmupStep(targets, runner),
            StepTypes.KUBERNETES, new KubernetesStep(runner));
  }

  @Override
  public StepResult plan(StepInvocation invocation) {
    return action(invocation).plan(invocation);
  }

  @Override
  public StepResult execute(StepInvocation invocation) {
    StepAction action = action(invocation);
    try {
      return action.execute(invocation);
    } catch (InvalidStepException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          e.getMessage(), ErrorTypes.RUNBOOK_STEP_INVALID);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure(
          "step " + invocation.stepId() + " was interrupted", ErrorTypes.RUNBOOK_STEP_FAILED);
    } catch (Exception e) {
      throw ApplicationFailure.newFailure(
          e.getMessage() == null ? e.toString() : e.getMessage(), ErrorTypes.RUNBOOK_STEP_FAILED);
    }
  }

  private StepAction action(StepInvocation invocation) {
    StepAction action = actions.get(invocation.type());
    if (action == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "step type '"
              + invocation.type()
              + "' is not carried out by RunbookStepActivities; "
              + "types here: "
              + actions.keySet(),
          ErrorTypes.RUNBOOK_STEP_INVALID);
    }
    return action;
  }
}
