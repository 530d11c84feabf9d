package dev.lifeboat.workflows.runbook;

/**
 * What a step activity did or would do.
 *
 * @param output its output text, truncated to at most {@link #MAX_OUTPUT} characters
 * @param truncated whether the output was cut
 */
public record StepResult(String output, boolean truncated) {

  /** Output beyond this many characters is cut, so a chatty command cannot bloat the history. */
  public static final int MAX_OUTPUT = 4096;

  /** Makes a result from the full text, cutting it if needed. */
  public static StepResult of(String text) {
    String full = text == null ? "" : text;
    if (full.length() <= MAX_OUTPUT) {
      return new StepResult(full, false);
    }
    return new StepResult(full.substring(0, MAX_OUTPUT) + "\n... (truncated)", true);
  }
}
