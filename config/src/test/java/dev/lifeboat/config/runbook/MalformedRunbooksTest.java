package dev.lifeboat.config.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every malformed runbook under test resources is refused with a clear message at the right line
 * and column. A refused runbook never reaches a workflow: the CLI starts a run only from what
 * {@link RunbookLibrary} returns, and it returns nothing here.
 */
class MalformedRunbooksTest {

  static final Path DIR = Path.of("src/test/resources/runbooks/malformed");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      textBlock =
          """
          unknown-step-type          | 4 | 11 | unknown step type 'shell'; use one of sql, postgres
          missing-steps              | 1 | 1  | 'steps' is missing
          empty-steps                | 2 | 8  | the list of steps is empty
          bad-duration               | 6 | 14 | 'timeout' = '30 seconds' is not a duration
          bad-wait-duration          | 5 | 22 | 'soon' is not a duration
          duplicate-step-id          | 6 | 9  | step id 'a' is used twice
          duplicate-key              | 5 | 5  | duplicate key 'type' (first at line 4)
          unknown-top-key            | 2 | 1  | unknown key 'stpes' in runbook
          unknown-step-key           | 6 | 5  | unknown key 'retries' in step
          name-mismatch              | 1 | 7  | differs from the file name name-mismatch.yaml
          undeclared-parameter       | 5 | 25 | uses undeclared parameter 'message'
          embedded-placeholder       | 7 | 25 | parameters are substituted only as whole values
          placeholder-in-sql         | 7 | 19 | no ${...} in an SQL query
          shell-command-string       | 5 | 19 | argv[0] is 'sh' with -c
          program-from-parameter     | 7 | 19 | argv[0], the program, must be written out
          injection-in-default       | 3 | 41 | 'db1; rm -rf /' does not match the safe default
          option-injection-default   | 3 | 47 | '--all' does not match the safe default
          bad-parameter-type         | 3 | 25 | parameter type 'number' is not one of string, int, bool, duration
          int-default-not-int        | 3 | 39 | 'three' is not a whole number
          int-default-out-of-range   | 3 | 42 | '500' is above the maximum 50
          duplicate-parameter        | 4 | 12 | parameter 'x' is declared twice
          bad-on-failure             | 6 | 16 | onFailure must be abort, continue or rollback, not 'ignore'
          missing-required-argument  | 5 | 11 | step of type http needs 'with.url'
          unknown-argument           | 5 | 58 | unknown argument 'password' for a redis step
          bad-redis-command          | 5 | 52 | redis command 'shutdown' is not one of
          read-only-sql-writes       | 5 | 36 | this query changes data but the step is read-only
          approval-without-block     | 3 | 5  | step a of type approval needs an 'approval' block
          approval-required-too-many | 6 | 46 | approval.required is 3 but only 1 people may approve
          parallel-without-steps     | 3 | 5  | needs a 'parallel' list of steps
          nested-parallel            | 7 | 15 | a parallel group cannot sit inside a group
          bad-when                   | 6 | 11 | is not a condition
          when-later-step            | 6 | 11 | when refers to step 'b', which does not run before it
          retry-zero-attempts        | 6 | 12 | retry.attempts must be a whole number from 1 to 100
          bad-expect-regex           | 6 | 23 | expect.matches is not a regular expression
          not-yaml                   | 5 | 4  | is not valid YAML
          calls-unknown-runbook      | 5 | 11 | calls runbook 'no-such-runbook', which is not in the folder
          cycle-a                    | 5 | 11 | runbook calls form a cycle: cycle-a -> cycle-b -> cycle-a
          cycle-b                    | 5 | 11 | runbook calls form a cycle: cycle-b -> cycle-a -> cycle-b
          self-call                  | 5 | 11 | runbook calls form a cycle: self-call -> self-call
          child-missing-parameter    | 5 | 11 | misses required parameter 'table'
          bad-severity               | 2 | 11 | severity 'urgent' is not one of
          bad-step-id                | 3 | 9  | step id 'Step One' must be lower-case
          env-not-a-name             | 5 | 30 | 'PATH=/tmp' is not one
          bad-url                    | 5 | 17 | url 'ftp://example' is not an http:// or https:// URL
          """)
  void isRefusedWithAClearErrorAtItsPlace(String name, int line, int column, String message) {
    Path file = DIR.resolve(name + ".yaml");

    RunbookException refused =
        catchThrowableOfType(RunbookException.class, () -> RunbookLibrary.loadFile(file));

    assertThat(refused).as(name + " must be refused").isNotNull();
    assertThat(refused.problems())
        .as(refused.getMessage())
        .anySatisfy(
            p -> {
              assertThat(p.file()).endsWith(name + ".yaml");
              assertThat(p.line()).isEqualTo(line);
              assertThat(p.column()).isEqualTo(column);
              assertThat(p.message()).contains(message);
            });
    assertThat(refused.getMessage()).contains(name + ".yaml:" + line + ":" + column + ": ");
  }

  @Test
  void reportsEveryProblemOfAFileNotJustTheFirst() {
    RunbookException refused =
        catchThrowableOfType(
            RunbookException.class,
            () -> RunbookLibrary.loadFile(DIR.resolve("many-problems.yaml")));

    assertThat(refused.problems()).extracting(RunbookProblem::line).containsExactly(2, 5, 9);
    assertThat(refused.getMessage()).startsWith("3 problems:");
  }

  @Test
  void everyMalformedFileIsCoveredAndThereAreAtLeastThirty() throws Exception {
    List<String> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.map(p -> p.getFileName().toString()).toList();
    }
    long refused =
        files.stream()
            .filter(
                f -> {
                  try {
                    RunbookLibrary.loadFile(DIR.resolve(f));
                    return false;
                  } catch (RunbookException e) {
                    return true;
                  }
                })
            .count();
    // child-with-parameter.yaml is the one valid file: the callee of child-missing-parameter.
    assertThat(refused).isEqualTo(files.size() - 1).isGreaterThanOrEqualTo(30);
  }

  @Test
  void loadingTheWholeFolderReportsTheProblemsOfEveryFile() {
    RunbookException refused =
        catchThrowableOfType(RunbookException.class, () -> RunbookLibrary.load(DIR));

    assertThat(refused.problems())
        .extracting(p -> Path.of(p.file()).getFileName().toString())
        .contains("bad-url.yaml", "unknown-step-type.yaml", "not-yaml.yaml", "cycle-a.yaml");
  }
}
