package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.runbook.StepInvocation;
import java.util.List;
import java.util.Map;

/** Typed access to a step's resolved arguments, with errors that name the step and argument. */
final class StepArgs {

  private final StepInvocation step;

  StepArgs(StepInvocation step) {
    this.step = step;
  }

  String text(String key) throws InvalidStepException {
    String value = optionalText(key, null);
    if (value == null || value.isBlank()) {
      throw new InvalidStepException(
          "step " + step.stepId() + " (" + step.type() + ") needs 'with." + key + "'");
    }
    return value;
  }

  String optionalText(String key, String fallback) {
    Object value = step.with().get(key);
    return value == null ? fallback : String.valueOf(value);
  }

  boolean flag(String key) {
    Object value = step.with().get(key);
    return value != null && Boolean.parseBoolean(String.valueOf(value));
  }

  int integer(String key, int fallback) throws InvalidStepException {
    Object value = step.with().get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw new InvalidStepException(
          "step " + step.stepId() + ": with." + key + " = '" + value + "' is not a whole number");
    }
  }

  List<String> list(String key) {
    Object value = step.with().get(key);
    if (value instanceof List<?> items) {
      return items.stream().map(String::valueOf).toList();
    }
    return value == null ? List.of() : List.of(String.valueOf(value));
  }

  Map<String, String> map(String key) {
    Object value = step.with().get(key);
    if (value instanceof Map<?, ?> entries) {
      Map<String, String> out = new java.util.LinkedHashMap<>();
      entries.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
      return out;
    }
    return Map.of();
  }
}
