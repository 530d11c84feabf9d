package dev.lifeboat.workflows.model;

import java.util.List;
import java.util.Map;

/**
 * What the checks on a restored server found.
 *
 * @param seconds how long they took
 * @param rowCounts rows per user table in the restored server
 * @param indexesChecked indexes verified with {@code amcheck}
 * @param problems every failed check, one sentence each; empty when all passed
 */
public record ValidationOutcome(
    double seconds, Map<String, Long> rowCounts, int indexesChecked, List<String> problems) {

  public ValidationOutcome {
    rowCounts = Map.copyOf(rowCounts);
    problems = List.copyOf(problems);
  }
}
