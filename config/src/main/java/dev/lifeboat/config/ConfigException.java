package dev.lifeboat.config;

import java.util.List;

/**
 * Thrown when a configuration file cannot be used. It carries every problem found, each naming the
 * key, the bad value and what is allowed, so a user fixes them all in one pass.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(String source, List<String> problems) {
    super(summary(source, problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns the problems, one sentence each, each starting with the key it is about. */
  public List<String> problems() {
    return problems;
  }

  private static String summary(String source, List<String> problems) {
    if (problems.size() == 1) {
      return source + ": " + problems.get(0);
    }
    StringBuilder text = new StringBuilder(source + " has " + problems.size() + " problems:");
    for (String problem : problems) {
      text.append("\n  - ").append(problem);
    }
    return text.toString();
  }
}
