package dev.lifeboat.config.runbook;

import java.util.List;

/**
 * Thrown when one or more runbooks cannot be used. It carries every problem found, each with file,
 * line and column, so a user fixes them all in one pass; nothing has been started.
 */
public final class RunbookException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<RunbookProblem> problems;

  public RunbookException(List<RunbookProblem> problems) {
    super(summary(problems));
    this.problems = List.copyOf(problems);
  }

  /** Returns every problem, in file order. */
  public List<RunbookProblem> problems() {
    return problems;
  }

  private static String summary(List<RunbookProblem> problems) {
    if (problems.size() == 1) {
      return problems.get(0).toString();
    }
    StringBuilder text = new StringBuilder(problems.size() + " problems:");
    problems.forEach(p -> text.append("\n  ").append(p));
    return text.toString();
  }
}
