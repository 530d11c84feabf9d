package dev.lifeboat.workflows.runbook;

import java.util.List;

/**
 * How a run ended.
 *
 * @param runbook the runbook's name
 * @param contentHash the SHA-256 of the runbook file the run used
 * @param outcome one of the {@code RunbookResult.*} outcome constants, also the run's {@code
 *     DrOutcome} search attribute
 * @param reason why it ended so, in a sentence
 * @param steps every step's final status
 */
public record RunbookResult(
    String runbook, String contentHash, String outcome, String reason, List<StepStatus> steps) {

  public static final String SUCCEEDED = "succeeded";
  public static final String SUCCEEDED_WITH_FAILURES = "succeeded-with-failures";
  public static final String PLANNED = "planned";
  public static final String ABORTED = "aborted";
  public static final String ROLLED_BACK = "rolled-back";

  public RunbookResult {
    steps = steps == null ? List.of() : List.copyOf(steps);
  }

  /** Whether the run did what it set out to do. */
  public boolean succeeded() {
    return SUCCEEDED.equals(outcome) || PLANNED.equals(outcome);
  }
}
