package dev.lifeboat.workflows.runbook;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input of {@link RunbookWorkflow}. The CLI builds it from a validated runbook folder; from the
 * temporal CLI it is {@code {"runbook": {...}, "params": {"cluster": "shop"}, "mode": "DRY_RUN",
 * "cluster": "shop", "library": {}}}, best produced with {@code lifeboat runbook plan NAME --json}.
 *
 * @param runbook the validated runbook to run
 * @param params the values given for its parameters, by name; defaults fill the rest
 * @param mode live, dry run or practice
 * @param cluster the cluster the run acts on (its search attribute, and the target of its SQL and
 *     Postgres steps)
 * @param library every runbook that {@code runbook} steps may call, by name, already validated and
 *     checked for cycles
 * @param requestedBy who started the run, for the audit record; null when unknown
 */
public record RunbookRequest(
    Runbook runbook,
    Map<String, String> params,
    RunbookMode mode,
    String cluster,
    Map<String, Runbook> library,
    String requestedBy) {

  public RunbookRequest {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    mode = mode == null ? RunbookMode.LIVE : mode;
    library = library == null ? Map.of() : Map.copyOf(library);
  }
}
