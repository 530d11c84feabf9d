package dev.lifeboat.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.starter.LifeboatCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lifeboat runbook}: the offline subcommands, and every way a run is refused before a
 * workflow could start: the refusals below come before the CLI connects to Temporal, and a run that
 * had started would have printed "started" with its workflow id.
 */
class RunbookCommandTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String RUNBOOKS = ROOT.resolve("runbooks-yaml").toString();
  private static final String CONFIG = ROOT.resolve("lifeboat.yaml").toString();

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = LifeboatCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void listShowsTheFourRunbooks() {
    Run run = run("runbook", "list", "--dir", RUNBOOKS);

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains(
            "db-failover", "cache-failure-recovery", "api-degradation", "data-corruption-recovery")
        .contains("critical");
  }

  @Test
  void validateAcceptsAGoodFile() {
    Run run = run("runbook", "validate", RUNBOOKS + "/db-failover.yaml");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("runbook db-failover is valid: 6 steps, 4 parameters, sha256 ");
  }

  @Test
  void validateReportsEveryProblemWithLineAndColumn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(
        file,
        "name: broken\nsteps:\n  - id: a\n    type: shell\n  - id: b\n    type: wait\n"
            + "    with: {duration: 1s}\n    timeout: soon\n");

    Run run = run("runbook", "validate", file.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("2 problems:")
        .contains("broken.yaml:4:11: unknown step type 'shell'")
        .contains("broken.yaml:8:14: 'timeout' = 'soon' is not a duration");
  }

  @Test
  void planShowsStepsWithParametersFilledIn() {
    Run run =
        run(
            "runbook",
            "plan",
            "db-failover",
            "--dir",
            RUNBOOKS,
            "-c",
            CONFIG,
            "-p",
            "candidate=tokyo");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .contains("Runbook db-failover (critical, about 5m) on cluster shop")
        .contains("promote")
        .contains("target=tokyo")
        .contains("Rolls back by itself 10m after the last step unless confirmed");
  }

  @Test
  void planJsonIsTheWorkflowInput() {
    Run run =
        run("runbook", "plan", "cache-failure-recovery", "--dir", RUNBOOKS, "-c", CONFIG, "--json");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out())
        .startsWith("{\"runbook\":{\"name\":\"cache-failure-recovery\"")
        .contains("\"mode\":\"DRY_RUN\"");
  }

  @Test
  void anInjectionAttemptInAParameterIsRefusedBeforeAnythingStarts() {
    Run run =
        run(
            "runbook",
            "run",
            "data-corruption-recovery",
            "--dir",
            RUNBOOKS,
            "-c",
            CONFIG,
            "-p",
            "table=public.orders; DROP TABLE users",
            "-p",
            "asideTable=public.x",
            "-p",
            "cleanTime=2026-11-25T10:00:00Z");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'public.orders; DROP TABLE users' does not match");
    assertThat(run.out()).doesNotContain("started");
  }

  @Test
  void aMissingParameterIsRefusedBeforeAnythingStarts() {
    Run run = run("runbook", "run", "data-corruption-recovery", "--dir", RUNBOOKS, "-c", CONFIG);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("parameter 'table' is required; pass --param table=<string>");
  }

  @Test
  void aMalformedFolderRefusesEveryRun(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "name: bad\nsteps:\n  - id: a\n    type: nope\n");

    Run run = run("runbook", "run", "bad", "--dir", dir.toString(), "-c", CONFIG);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("bad.yaml:4:11: unknown step type 'nope'");
    assertThat(run.out()).doesNotContain("started");
  }

  @Test
  void anUnknownRunbookNamesTheKnownOnes() {
    Run run = run("runbook", "run", "db-failovr", "--dir", RUNBOOKS, "-c", CONFIG);

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no runbook 'db-failovr'; the folder has [api-degradation");
  }

  @Test
  void aBadModeIsAUsageError() {
    Run run =
        run("runbook", "run", "db-failover", "--dir", RUNBOOKS, "-c", CONFIG, "--mode", "yolo");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("mode 'yolo' is not one of live, dry-run, practice");
  }
}
