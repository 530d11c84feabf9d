package dev.lifeboat.workflows.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the values a run is started with against the runbook's typed parameters and fills in
 * defaults. The CLI calls it before starting a workflow, and the workflow calls it again, so a run
 * started from the Web UI or the temporal CLI is checked too.
 */
public final class ParameterBinder {

  /**
   * What a string parameter may hold unless its {@code pattern} says otherwise: letters, digits and
   * {@code _ . : / @ = , + % -}, not starting with {@code -}, at most 256 characters. No spaces,
   * quotes, semicolons or dollar signs, and no leading dash, so a value can neither break out of a
   * SQL literal nor pass itself off as a command-line option.
   */
  public static final String SAFE_STRING = "[A-Za-z0-9_./][A-Za-z0-9_.:/@=,+%-]{0,255}";

  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");

  private ParameterBinder() {}

  /**
   * Binds the given values.
   *
   * @param parameters the runbook's parameters
   * @param given the values given, by name
   * @return every parameter's value, given or default, in declaration order
   * @throws IllegalArgumentException listing every problem, one per line
   */
  public static Map<String, String> bind(
      List<RunbookParameter> parameters, Map<String, String> given) {
    List<String> problems = new ArrayList<>();
    Map<String, String> bound = new LinkedHashMap<>();
    Map<String, String> values = given == null ? Map.of() : given;
    for (String name : values.keySet()) {
      if (parameters.stream().noneMatch(p -> p.name().equals(name))) {
        problems.add(
            "parameter '"
                + name
                + "' is not declared; declared: "
                + parameters.stream().map(RunbookParameter::name).toList());
      }
    }
    for (RunbookParameter parameter : parameters) {
      String value = values.getOrDefault(parameter.name(), parameter.defaultValue());
      if (value == null) {
        problems.add(
            "parameter '"
                + parameter.name()
                + "' is required; pass --param "
                + parameter.name()
                + "=<"
                + parameter.type().label()
                + ">");
        continue;
      }
      String problem = check(parameter, value);
      if (problem != null) {
        problems.add(problem);
      } else {
        bound.put(parameter.name(), value);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return bound;
  }

  /** Returns null when the value fits the parameter, else a sentence saying why not. */
  public static String check(RunbookParameter parameter, String value) {
    String prefix = "parameter '" + parameter.name() + "' = '" + value + "' ";
    if (!parameter.allowed().isEmpty() && !parameter.allowed().contains(value)) {
      return prefix + "is not one of " + parameter.allowed();
    }
    switch (parameter.type()) {
      case INT -> {
        if (!INTEGER.matcher(value).matches()) {
          return prefix + "is not a whole number";
        }
        long number = Long.parseLong(value);
        if (parameter.min() != null && number < parameter.min()) {
          return prefix + "is below the minimum " + parameter.min();
        }
        if (parameter.max() != null && number > parameter.max()) {
          return prefix + "is above the maximum " + parameter.max();
        }
      }
      case BOOL -> {
        if (!value.equals("true") && !value.equals("false")) {
          return prefix + "is not true or false";
        }
      }
      case DURATION -> {
        if (!RunbookDurations.isValid(value)) {
          return prefix + "is not a duration such as 30s, 5m or 1h";
        }
      }
      case STRING -> {
        String pattern = parameter.pattern() == null ? SAFE_STRING : parameter.pattern();
        if (!Pattern.compile(pattern).matcher(value).matches()) {
          return prefix
              + "does not match "
              + (parameter.pattern() == null
                  ? "the safe default (letters, digits, _ . : / @ = , + % -; no spaces, quotes,"
                      + " ; $ or leading -)"
                  : "/" + pattern + "/");
        }
      }
    }
    return null;
  }
}
