package dev.lifeboat.workflows.runbook;

import java.util.List;

/**
 * A typed parameter of a runbook. Values arrive as text (from the CLI's {@code --param k=v} or a
 * JSON input) and are checked by {@link ParameterBinder} before any step runs.
 *
 * @param name the name steps refer to as {@code ${name}}
 * @param type the type the value must have
 * @param description what the value means, shown by {@code lifeboat runbook plan}
 * @param defaultValue the value used when none is given; null makes the parameter required
 * @param pattern for strings, a regular expression the whole value must match; null for the safe
 *     default {@link ParameterBinder#SAFE_STRING}
 * @param allowed when not empty, the only values accepted
 * @param min for integers, the smallest value accepted; null for no limit
 * @param max for integers, the largest value accepted; null for no limit
 */
public record RunbookParameter(
    String name,
    ParameterType type,
    String description,
    String defaultValue,
    String pattern,
    List<String> allowed,
    Long min,
    Long max) {

  public RunbookParameter {
    allowed = allowed == null ? List.of() : List.copyOf(allowed);
  }

  /** Whether a run must give a value, because there is no default. */
  public boolean required() {
    return defaultValue == null;
  }
}
