package dev.lifeboat.workflows.runbook;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts parameter values into a step's arguments. Only a string that is exactly {@code ${name}} is
 * replaced, by the whole value, so a value always stays one argument: it can never add a second
 * argv entry, close a quote or start a new SQL statement. The loader rejects {@code ${...}}
 * anywhere else.
 */
public final class ArgumentResolver {

  /** A whole-argument placeholder. */
  public static final Pattern WHOLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

  /** Any placeholder-like text, to find ones embedded in longer strings. */
  public static final Pattern ANY = Pattern.compile("\\$\\{[^}]*\\}?");

  private ArgumentResolver() {}

  /** Returns the arguments with every whole-argument placeholder replaced. */
  public static Map<String, Object> resolve(Map<String, Object> with, Map<String, String> params) {
    Map<String, Object> resolved = new LinkedHashMap<>();
    with.forEach((key, value) -> resolved.put(key, resolveValue(value, params)));
    return resolved;
  }

  /** Returns the parameter a string names as a whole placeholder, or null. */
  public static String placeholder(String text) {
    Matcher m = WHOLE.matcher(text);
    return m.matches() ? m.group(1) : null;
  }

  private static Object resolveValue(Object value, Map<String, String> params) {
    if (value instanceof String text) {
      String name = placeholder(text);
      if (name == null) {
        return text;
      }
      String bound = params.get(name);
      if (bound == null) {
        throw new IllegalArgumentException("parameter '" + name + "' has no value");
      }
      return bound;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(item -> out.add(resolveValue(item, params)));
      return out;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), resolveValue(v, params)));
      return out;
    }
    return value;
  }
}
