package dev.lifeboat.workflows.runbook;

import dev.lifeboat.workflows.activities.RunbookStepActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted stand-in for the step activities: each step id has a queue of outcomes ({@code ok},
 * {@code out:TEXT}, {@code fail:WHY}, {@code invalid:WHY}, {@code sleep:MILLIS}); an empty queue
 * means {@code ok}. Every call is recorded in order, so tests can assert what ran and how often.
 */
final class ScriptedSteps implements RunbookStepActivities {

  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Deque<String>> script = new ConcurrentHashMap<>();

  ScriptedSteps then(String stepId, String... outcomes) {
    script.computeIfAbsent(stepId, k -> new ArrayDeque<>()).addAll(List.of(outcomes));
    return this;
  }

  List<String> executed() {
    synchronized (calls) {
      return calls.stream().filter(c -> !c.startsWith("plan:")).toList();
    }
  }

  @Override
  public StepResult plan(StepInvocation invocation) {
    calls.add("plan:" + invocation.stepId());
    return StepResult.of("would run " + invocation.stepId() + " with " + invocation.with());
  }

  @Override
  public StepResult execute(StepInvocation invocation) {
    calls.add(invocation.stepId());
    Deque<String> queue = script.get(invocation.stepId());
    String outcome = queue == null || queue.isEmpty() ? "ok" : queue.poll();
    if (outcome.startsWith("fail:")) {
      throw ApplicationFailure.newFailure(outcome.substring(5), ErrorTypes.RUNBOOK_STEP_FAILED);
    }
    if (outcome.startsWith("invalid:")) {
      throw ApplicationFailure.newNonRetryableFailure(
          outcome.substring(8), ErrorTypes.RUNBOOK_STEP_INVALID);
    }
    if (outcome.startsWith("sleep:")) {
      try {
        Thread.sleep(Long.parseLong(outcome.substring(6)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return StepResult.of("slept");
    }
    if (outcome.startsWith("out:")) {
      return StepResult.of(outcome.substring(4));
    }
    return StepResult.of(invocation.stepId() + " done " + invocation.with());
  }
}
