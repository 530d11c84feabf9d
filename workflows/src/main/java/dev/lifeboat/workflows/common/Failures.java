package dev.lifeboat.workflows.common;

import io.temporal.failure.ApplicationFailure;

/** Turns Temporal's nested failures into the sentence a person should read. */
public final class Failures {

  private Failures() {}

  /**
   * Returns the innermost cause's own message: for an activity that failed with an {@link
   * ApplicationFailure}, the sentence the activity wrote, without Temporal's wrapping.
   */
  public static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure app ? app.getOriginalMessage() : cause.getMessage();
  }

  /** Returns the innermost cause's application failure type, or null when it has none. */
  public static String rootType(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure app ? app.getType() : null;
  }
}
