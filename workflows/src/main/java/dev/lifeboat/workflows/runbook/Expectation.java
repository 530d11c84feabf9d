package dev.lifeboat.workflows.runbook;

import java.util.regex.Pattern;

/**
 * An assertion on a step's output text. A step whose output does not meet it has failed, and is
 * retried like any other failure.
 *
 * @param contains text the output must contain; null for no such check
 * @param notContains text the output must not contain; null for no such check
 * @param matches a regular expression some part of the output must match; null for no such check
 */
public record Expectation(String contains, String notContains, String matches) {

  /** Returns null when the output meets the expectation, else a sentence saying what was wrong. */
  public String check(String output) {
    String text = output == null ? "" : output;
    if (contains != null && !text.contains(contains)) {
      return "expected the output to contain '" + contains + "'";
    }
    if (notContains != null && text.contains(notContains)) {
      return "expected the output not to contain '" + notContains + "'";
    }
    if (matches != null && !Pattern.compile(matches).matcher(text).find()) {
      return "expected the output to match /" + matches + "/";
    }
    return null;
  }
}
