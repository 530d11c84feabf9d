package dev.lifeboat.workflows.runbook;

import java.util.List;
import java.util.Map;

/** Builds runbook models in tests, one readable line per step. */
final class Steps {

  private String id;
  private String type = StepTypes.COMMAND;
  private Map<String, Object> with;
  private String timeout;
  private RetrySpec retry;
  private Expectation expect;
  private OnFailure onFailure = OnFailure.ABORT;
  private List<RunbookStep> rollback = List.of();
  private ApprovalSpec approval;
  private List<RunbookStep> parallel = List.of();
  private String when;

  static Steps step(String id) {
    Steps steps = new Steps();
    steps.id = id;
    steps.with = Map.of("argv", List.of("echo", id));
    return steps;
  }

  static RunbookStep command(String id) {
    return step(id).build();
  }

  static RunbookStep waitFor(String id, String duration) {
    return step(id).type(StepTypes.WAIT).with(Map.of("duration", duration)).build();
  }

  static Runbook runbook(String name, List<RunbookStep> steps) {
    return new Runbook(
        name,
        null,
        "high",
        "1m",
        List.of(),
        steps,
        List.of(),
        null,
        null,
        name + ".yaml",
        "hash-" + name);
  }

  Steps type(String value) {
    type = value;
    return this;
  }

  Steps with(Map<String, Object> value) {
    with = value;
    return this;
  }

  Steps timeout(String value) {
    timeout = value;
    return this;
  }

  Steps retry(int attempts, String backoff) {
    retry = new RetrySpec(attempts, backoff);
    return this;
  }

  Steps expectContains(String text) {
    expect = new Expectation(text, null, null);
    return this;
  }

  Steps onFailure(OnFailure value) {
    onFailure = value;
    return this;
  }

  Steps rollback(RunbookStep... steps) {
    rollback = List.of(steps);
    return this;
  }

  Steps approval(ApprovalSpec value) {
    approval = value;
    return this;
  }

  Steps parallel(RunbookStep... steps) {
    type = StepTypes.PARALLEL;
    with = Map.of();
    parallel = List.of(steps);
    return this;
  }

  Steps when(String condition) {
    when = condition;
    return this;
  }

  RunbookStep build() {
    return new RunbookStep(
        id, null, type, with, timeout, retry, expect, onFailure, rollback, approval, parallel,
        when);
  }
}
