package dev.lifeboat.activities.runbook;

/**
 * A step whose arguments cannot work on this worker (an unknown node, a missing tool, no kubectl
 * context): retrying would fail the same way, so the activity fails without retry.
 */
final class InvalidStepException extends Exception {

  private static final long serialVersionUID = 1L;

  InvalidStepException(String message) {
    super(message);
  }
}
