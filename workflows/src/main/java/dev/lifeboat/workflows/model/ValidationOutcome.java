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
 * @param queries the configured validation queries ({@code restore.validation.<cluster>}) and what
 *     each returned; empty in reports written before they existed
 */
public record ValidationOutcome(
    double seconds,
    Map<String, Long> rowCounts,
    int indexesChecked,
    List<String> problems,
    List<QueryCheck> queries) {

  public ValidationOutcome {
    rowCounts = Map.copyOf(rowCounts);
    problems = List.copyOf(problems);
    // Null in the histories and reports of restores that ran before queries were configurable.
    queries = queries == null ? List.of() : List.copyOf(queries);
  }

  /** An outcome without configured queries. */
  public ValidationOutcome(
      double seconds, Map<String, Long> rowCounts, int indexesChecked, List<String> problems) {
    this(seconds, rowCounts, indexesChecked, problems, List.of());
  }
}
