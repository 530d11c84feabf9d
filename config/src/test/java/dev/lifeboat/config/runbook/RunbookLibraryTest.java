package dev.lifeboat.config.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.workflows.runbook.ParameterBinder;
import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookStep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The four runbooks of the reference deployment load, and what they load into. */
class RunbookLibraryTest {

  static final Path RUNBOOKS = Path.of("../runbooks-yaml");

  @Test
  void theFourReferenceRunbooksLoad() {
    RunbookLibrary library = RunbookLibrary.load(RUNBOOKS);

    assertThat(library.all().keySet())
        .containsExactly(
            "api-degradation", "cache-failure-recovery", "data-corruption-recovery", "db-failover");
    Runbook failover = library.get("db-failover");
    assertThat(failover.severity()).isEqualTo("critical");
    assertThat(failover.estimatedTime()).isEqualTo("5m");
    assertThat(failover.rollbackAfter()).isEqualTo("10m");
    assertThat(failover.steps())
        .extracting(RunbookStep::id)
        .containsExactly(
            "stop-writes",
            "check-lag",
            "promote",
            "update-endpoint",
            "redirect-traffic",
            "monitor-replication");
    assertThat(failover.contentHash()).hasSize(64);
    assertThat(failover.steps().get(0).rollback())
        .extracting(RunbookStep::id)
        .containsExactly("allow-writes");
  }

  @Test
  void theContentHashIsTheFilesSha256SoAnEditMakesANewVersion(@TempDir Path dir) throws Exception {
    String text = "name: tiny\nsteps:\n  - {id: a, type: wait, with: {duration: 1s}}\n";
    Files.writeString(dir.resolve("tiny.yaml"), text);
    String before = RunbookLibrary.loadFile(dir.resolve("tiny.yaml")).contentHash();
    Files.writeString(dir.resolve("tiny.yaml"), text.replace("1s", "2s"));
    String after = RunbookLibrary.loadFile(dir.resolve("tiny.yaml")).contentHash();

    assertThat(before).isEqualTo(RunbookLibrary.sha256(text.getBytes()));
    assertThat(after).isNotEqualTo(before);
  }

  @Test
  void argumentsKeepTheirTypesAndPlaceholdersStayWhole() {
    Runbook cache = RunbookLibrary.load(RUNBOOKS).get("cache-failure-recovery");
    RunbookStep stop = cache.steps().get(2);

    assertThat(stop.with().get("argv"))
        .isEqualTo(List.of("bash", "scripts/stack.sh", "stop", "redis"));
    assertThat(stop.with().get("workdir")).isEqualTo("${stackDir}");
    assertThat(cache.steps().get(1).when()).isEqualTo("${kubeContext} != none");
  }

  @Test
  void calledRunbooksAreCollectedThroughEveryLevel(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("outer.yaml"),
        "name: outer\nsteps:\n  - {id: a, type: runbook, with: {runbook: middle}}\n");
    Files.writeString(
        dir.resolve("middle.yaml"),
        "name: middle\nsteps:\n  - {id: b, type: runbook, with: {runbook: inner}}\n");
    Files.writeString(
        dir.resolve("inner.yaml"),
        "name: inner\nsteps:\n  - {id: c, type: wait, with: {duration: 1s}}\n");

    RunbookLibrary library = RunbookLibrary.load(dir);

    assertThat(library.calledFrom("outer")).containsOnlyKeys("middle", "inner");
    assertThat(library.calledFrom("inner")).isEmpty();
  }

  @Test
  void runParametersAreCheckedByTypePatternAndSafeDefault() {
    Runbook corruption = RunbookLibrary.load(RUNBOOKS).get("data-corruption-recovery");

    assertThatThrownBy(
            () ->
                ParameterBinder.bind(
                    corruption.parameters(),
                    Map.of(
                        "table", "public.orders; DROP TABLE users",
                        "asideTable", "public.orders_damaged",
                        "cleanTime", "yesterday",
                        "scratchPort", "80",
                        "colour", "red")))
        .hasMessageContaining("parameter 'colour' is not declared")
        .hasMessageContaining("'public.orders; DROP TABLE users' does not match")
        .hasMessageContaining("'yesterday' does not match")
        .hasMessageContaining("'80' is below the minimum 1024");
    assertThatThrownBy(() -> ParameterBinder.bind(corruption.parameters(), Map.of()))
        .hasMessageContaining("parameter 'table' is required; pass --param table=<string>");
    Map<String, String> bound =
        ParameterBinder.bind(
            corruption.parameters(),
            Map.of(
                "table", "public.orders",
                "asideTable", "public.orders_damaged",
                "cleanTime", "2026-11-25T10:00:00Z"));
    assertThat(bound).containsEntry("appRole", "public").containsEntry("scratchPort", "55497");
  }

  @Test
  void aMissingFolderSaysHowToNameOne() {
    assertThatThrownBy(() -> RunbookLibrary.load(Path.of("no-such-folder")))
        .hasMessageContaining("folder not found; pass --dir or set LIFEBOAT_RUNBOOKS");
  }
}
