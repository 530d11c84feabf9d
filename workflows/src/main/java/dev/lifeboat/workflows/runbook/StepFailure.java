package dev.lifeboat.workflows.runbook;

/**
 * A step that failed after its last attempt, inside the interpreter. It never leaves the workflow:
 * the step's {@code onFailure} decides what happens next.
 */
final class StepFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean hopeless;

  StepFailure(String message) {
    this(message, false);
  }

  /**
   * @param hopeless true when no further attempt can succeed (a bad argument, a missing tool), so
   *     the step's remaining attempts are not tried
   */
  StepFailure(String message, boolean hopeless) {
    super(message, null, false, false);
    this.hopeless = hopeless;
  }

  boolean hopeless() {
    return hopeless;
  }
}
