package dev.lifeboat.workflows.runbook;

import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's {@code when} condition. Two forms, on purpose no more, so a condition can be read at a
 * glance and evaluated without a scripting engine:
 *
 * <ul>
 *   <li>{@code ${param} == value} or {@code ${param} != value}; {@code ${param}} alone means {@code
 *       ${param} == true};
 *   <li>{@code steps.<id>.status == succeeded} (or {@code failed}, {@code skipped}); {@code
 *       steps.<id>.status} alone means {@code == succeeded}.
 * </ul>
 *
 * @param parameter the parameter compared, or null
 * @param stepId the step whose status is compared, or null
 * @param equal true for {@code ==}, false for {@code !=}
 * @param value the value compared with
 */
public record WhenCondition(String parameter, String stepId, boolean equal, String value) {

  private static final Pattern FORM =
      Pattern.compile(
          "\\s*(?:\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}|steps\\.([a-z0-9][a-z0-9-]*)\\.status)"
              + "\\s*(?:(==|!=)\\s*([A-Za-z0-9_.:/@-]+))?\\s*");

  /**
   * Parses a condition.
   *
   * @throws IllegalArgumentException naming the two accepted forms
   */
  public static WhenCondition parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a condition; write '${param} == value', '${param} != value',"
              + " '${param}', or 'steps.<id>.status == succeeded|failed|skipped'");
    }
    boolean onParameter = m.group(1) != null;
    String value = m.group(4) != null ? m.group(4) : onParameter ? "true" : "succeeded";
    return new WhenCondition(m.group(1), m.group(2), !"!=".equals(m.group(3)), value);
  }

  /**
   * Evaluates the condition.
   *
   * @param parameters the run's bound parameters
   * @param statusOf the current status of a step by id, in lower case
   */
  public boolean holds(Map<String, String> parameters, Function<String, String> statusOf) {
    String actual = parameter != null ? parameters.get(parameter) : statusOf.apply(stepId);
    return equal == value.equals(actual);
  }
}
