package dev.lifeboat.workflows.runbook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a runbook.
 *
 * <p>A step either does one thing (its {@code type} names a step type from {@link StepTypes}, and
 * {@code with} holds that type's arguments) or, with type {@code parallel}, runs the steps in
 * {@code parallel} at the same time.
 *
 * @param id unique in the runbook; operators name steps by it
 * @param name what the step does, for people
 * @param type one of {@link StepTypes#ALL}
 * @param with the type's arguments: strings, numbers, booleans, lists of strings and maps of
 *     strings. A string that is exactly {@code ${param}} is replaced by the parameter's value; no
 *     other substitution happens
 * @param timeout how long one attempt may take, for example {@code 30s}; null for the type's
 *     default
 * @param retry how often to try; null for once
 * @param expect an assertion on the step's output; null for none
 * @param onFailure what a failure does to the run
 * @param rollback steps that undo this one, run in reverse order of completion on rollback
 * @param approval when not null, the step waits for approvals before it runs
 * @param parallel for type {@code parallel}, the steps to run at the same time
 * @param when a condition (see {@link WhenCondition}); null to always run
 */
public record RunbookStep(
    String id,
    String name,
    String type,
    Map<String, Object> with,
    String timeout,
    RetrySpec retry,
    Expectation expect,
    OnFailure onFailure,
    List<RunbookStep> rollback,
    ApprovalSpec approval,
    List<RunbookStep> parallel,
    String when) {

  public RunbookStep {
    // The order written is kept (Map.copyOf's differs between JVMs), so plans read as written.
    with = with == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(with));
    onFailure = onFailure == null ? OnFailure.ABORT : onFailure;
    rollback = rollback == null ? List.of() : List.copyOf(rollback);
    parallel = parallel == null ? List.of() : List.copyOf(parallel);
  }

  /** The step's name, or its id when it has none. */
  public String title() {
    return name == null || name.isBlank() ? id : name;
  }
}
