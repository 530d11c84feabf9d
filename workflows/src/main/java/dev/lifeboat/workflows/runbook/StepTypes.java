package dev.lifeboat.workflows.runbook;

import java.util.List;
import java.util.Set;

/**
 * The step types a runbook may use, each with where it runs: in an activity of {@code
 * RunbookStepActivities}, in the existing Postgres and traffic activities, or in the interpreter.
 */
public final class StepTypes {

  public static final String SQL = "sql";
  public static final String POSTGRES = "postgres";
  public static final String COMMAND = "command";
  public static final String HTTP = "http";
  public static final String REDIS = "redis";
  public static final String TRAFFIC = "traffic";
  public static final String CACHE_WARMUP = "cache-warmup";
  public static final String KUBERNETES = "kubernetes";
  public static final String WAIT = "wait";
  public static final String APPROVAL = "approval";
  public static final String RUNBOOK = "runbook";
  public static final String PARALLEL = "parallel";

  /** Every type, in the order the documentation lists them. */
  public static final List<String> ALL =
      List.of(
          SQL,
          POSTGRES,
          COMMAND,
          HTTP,
          REDIS,
          TRAFFIC,
          CACHE_WARMUP,
          KUBERNETES,
          WAIT,
          APPROVAL,
          RUNBOOK,
          PARALLEL);

  /** Types carried out by {@code RunbookStepActivities}, each with its own plan and execute. */
  public static final Set<String> ACTIVITY_TYPES =
      Set.of(SQL, COMMAND, HTTP, REDIS, CACHE_WARMUP, KUBERNETES);

  private StepTypes() {}
}
