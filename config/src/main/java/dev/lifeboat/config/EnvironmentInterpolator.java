package dev.lifeboat.config;

import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in configuration values with environment
 * variables, as docker-compose does, so one lifeboat.yaml serves every environment.
 */
final class EnvironmentInterpolator {

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Map<String, String> environment;

  EnvironmentInterpolator(Map<String, String> environment) {
    this.environment = environment;
  }

  /**
   * Interpolates one value.
   *
   * @param key the key the value belongs to, for error messages
   * @param value the raw value
   * @param problems receives a sentence for each variable that is unset and has no default
   * @return the value with every reference replaced
   */
  String interpolate(String key, String value, Consumer<String> problems) {
    Matcher matcher = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String fallback = matcher.group(2);
      String replacement = environment.get(name);
      if (replacement == null || (replacement.isEmpty() && fallback != null)) {
        replacement = fallback;
      }
      if (replacement == null) {
        problems.accept(
            key
                + ": environment variable "
                + name
                + " is not set and has no default; set it or write ${"
                + name
                + ":-default}");
        replacement = "";
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
