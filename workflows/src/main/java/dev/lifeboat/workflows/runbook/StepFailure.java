package dev.lifeboat.workflows.runbook;

/**
 * A step that failed after its last attempt, inside the interpreter. It never leaves the workflow:
 * the step's {@code onFailure} decides what happens next.
 */
final class StepFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  StepFailure(String message) {
    super(message, null, false, false);
  }
}
