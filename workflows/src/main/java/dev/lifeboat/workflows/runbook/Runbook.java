package dev.lifeboat.workflows.runbook;

import java.util.List;

/**
 * A validated incident runbook, as the loader in {@code dev.lifeboat.config.runbook} built it from
 * a YAML file. The workflow receives this model and never reads files, so a run keeps the version
 * it started with: edits to the file apply only to new runs, and the content hash in the run's memo
 * says which version ran.
 *
 * @param name the runbook's name, for example {@code db-failover}; unique in its folder
 * @param description what the runbook is for, in a sentence or two
 * @param severity {@code critical}, {@code high}, {@code medium} or {@code low}
 * @param estimatedTime how long a run is expected to take, for example {@code 5m}
 * @param parameters the typed parameters a run is started with
 * @param steps the steps, run top to bottom
 * @param verify steps that prove the run worked; with {@code rollbackAfter} they are retried until
 *     they pass or the time is up
 * @param rollbackAfter with a duration, the run waits this long after its last step for a {@code
 *     confirm} or for {@code verify} to pass, and rolls back by itself otherwise; null for none
 * @param decisionTimeout how long a step that failed with {@code onFailure: abort} waits for an
 *     operator's retry, skip or abort before the run aborts; null for the default of 30 minutes
 * @param source the file the runbook was read from, for messages
 * @param contentHash the SHA-256 of the file's bytes, hex
 */
public record Runbook(
    String name,
    String description,
    String severity,
    String estimatedTime,
    List<RunbookParameter> parameters,
    List<RunbookStep> steps,
    List<RunbookStep> verify,
    String rollbackAfter,
    String decisionTimeout,
    String source,
    String contentHash) {

  public Runbook {
    parameters = parameters == null ? List.of() : List.copyOf(parameters);
    steps = steps == null ? List.of() : List.copyOf(steps);
    verify = verify == null ? List.of() : List.copyOf(verify);
  }
}
