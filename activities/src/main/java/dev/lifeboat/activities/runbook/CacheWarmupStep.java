package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import java.sql.Connection;
import java.util.List;

/**
 * {@code cache-warmup}: reads the hot data again after a cache was lost, either by running a list
 * of read-only queries on a node (PostgreSQL's own buffer cache) or by running a warm-up command.
 */
final class CacheWarmupStep implements StepAction {

  private final SqlTargets targets;
  private final ProcessRunner runner;

  CacheWarmupStep(SqlTargets targets, ProcessRunner runner) {
    this.targets = targets;
    this.runner = runner;
  }

  @Override
  public StepResult plan(StepInvocation step) {
    StepArgs args = new StepArgs(step);
    List<String> queries = args.list("queries");
    if (!queries.isEmpty()) {
      return StepResult.of(
          "would run "
              + queries.size()
              + " read-only queries on "
              + args.optionalText("target", "primary")
              + ": "
              + queries);
    }
    return StepResult.of("would run " + args.list("argv"));
  }

  @Override
  public StepResult execute(StepInvocation step) throws Exception {
    StepArgs args = new StepArgs(step);
    List<String> queries = args.list("queries");
    if (queries.isEmpty()) {
      return CommandStep.run(
          runner,
          args.list("argv"),
          args.list("env"),
          args.optionalText("workdir", null),
          step.timeoutSeconds());
    }
    NodeSpec node = targets.resolve(step.cluster(), args.optionalText("target", "primary"));
    StringBuilder out = new StringBuilder();
    try (Connection connection = targets.open(node, step.cluster(), step.timeoutSeconds())) {
      connection.setAutoCommit(false);
      connection.setReadOnly(true);
      for (String query : queries) {
        String result = SqlStep.run(connection, query, List.of());
        out.append(query)
            .append(" -> ")
            .append(result.substring(result.lastIndexOf('\n') + 1))
            .append('\n');
      }
      connection.commit();
    }
    return StepResult.of("warmed " + queries.size() + " queries on " + node.name() + "\n" + out);
  }
}
