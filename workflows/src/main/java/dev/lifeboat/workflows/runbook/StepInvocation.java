package dev.lifeboat.workflows.runbook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a step activity is asked to plan or execute.
 *
 * @param runId the run's workflow id, for logs and idempotency keys
 * @param stepId the step's id
 * @param type the step's type
 * @param with the step's arguments with parameters filled in
 * @param cluster the cluster the run acts on
 * @param attempt the attempt, from 1
 * @param timeoutSeconds how long the attempt may take; commands are killed after it
 */
public record StepInvocation(
    String runId,
    String stepId,
    String type,
    Map<String, Object> with,
    String cluster,
    int attempt,
    long timeoutSeconds) {

  public StepInvocation {
    with = with == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(with));
  }
}
