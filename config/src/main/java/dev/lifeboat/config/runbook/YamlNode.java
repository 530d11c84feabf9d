package dev.lifeboat.config.runbook;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value with the line and column it starts at, so every problem in a runbook can point at
 * the exact place to fix. Jackson's tree model drops locations; {@link YamlTreeReader} keeps them.
 */
sealed interface YamlNode {

  int line();

  int column();

  /** What kind of value this is, for messages: "a mapping", "a list", "a string", ... */
  String kind();

  /** A mapping; {@code keys} holds where each key was written. */
  record MapNode(int line, int column, Map<String, YamlNode> entries, Map<String, int[]> keys)
      implements YamlNode {
    public MapNode {
      entries = new LinkedHashMap<>(entries);
      keys = new LinkedHashMap<>(keys);
    }

    YamlNode get(String key) {
      return entries.get(key);
    }

    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A sequence. */
  record ListNode(int line, int column, List<YamlNode> items) implements YamlNode {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public String kind() {
      return "a list";
    }
  }

  /**
   * A scalar.
   *
   * @param text its text, or null for YAML's null
   * @param type {@code string}, {@code int}, {@code float}, {@code bool} or {@code null}
   */
  record Scalar(int line, int column, String text, String type) implements YamlNode {
    @Override
    public String kind() {
      return type.equals("string") ? "a string" : "a " + type;
    }
  }
}
