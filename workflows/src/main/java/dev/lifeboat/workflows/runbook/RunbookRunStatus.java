package dev.lifeboat.workflows.runbook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run as the {@code status} query reports it.
 *
 * @param runbook the runbook's name
 * @param contentHash the SHA-256 of the runbook file the run uses
 * @param mode live, dry-run or practice
 * @param state one of the {@code RunbookRunStatus.*} state constants
 * @param paused whether an operator paused the run (it stops before its next step)
 * @param params the bound parameters
 * @param steps every step's status, in runbook order, rollback steps after them
 * @param confirmBy for a run waiting for {@code confirm}, when it rolls back by itself (ISO-8601)
 */
public record RunbookRunStatus(
    String runbook,
    String contentHash,
    String mode,
    String state,
    boolean paused,
    Map<String, String> params,
    List<StepStatus> steps,
    String confirmBy) {

  public static final String STARTING = "starting";
  public static final String RUNNING = "running";
  public static final String AWAITING_CONFIRMATION = "awaiting-confirmation";
  public static final String ROLLING_BACK = "rolling-back";

  public RunbookRunStatus {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    steps = steps == null ? List.of() : List.copyOf(steps);
  }
}
