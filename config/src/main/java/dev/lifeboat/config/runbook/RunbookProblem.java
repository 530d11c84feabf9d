package dev.lifeboat.config.runbook;

/**
 * One thing wrong with a runbook file, at a place in it.
 *
 * @param file the file, as given to the loader
 * @param line the line, from 1
 * @param column the column, from 1
 * @param message what is wrong and what to write instead
 */
public record RunbookProblem(String file, int line, int column, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + message;
  }
}
