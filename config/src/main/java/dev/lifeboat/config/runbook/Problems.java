package dev.lifeboat.config.runbook;

import java.util.ArrayList;
import java.util.List;

/** The problems found in one file so far. */
final class Problems {

  private final String file;
  private final List<RunbookProblem> found = new ArrayList<>();

  Problems(String file) {
    this.file = file;
  }

  void add(int line, int column, String message) {
    found.add(new RunbookProblem(file, line, column, message));
  }

  void add(YamlNode at, String message) {
    add(at.line(), at.column(), message);
  }

  List<RunbookProblem> list() {
    return List.copyOf(found);
  }

  boolean isEmpty() {
    return found.isEmpty();
  }
}
