package dev.lifeboat.workflows.runbook;

import java.util.List;

/**
 * Who must approve a step before it runs.
 *
 * @param approvers who may approve; empty for anyone
 * @param required how many different approvers must approve, at least 1
 * @param timeout how long to wait for the approvers, for example {@code 15m}
 * @param escalateTo who else may approve once {@code timeout} has passed; empty for no escalation
 * @param escalationTimeout how long to wait after escalating; null for the same as {@code timeout}
 */
public record ApprovalSpec(
    List<String> approvers,
    int required,
    String timeout,
    List<String> escalateTo,
    String escalationTimeout) {

  public ApprovalSpec {
    approvers = approvers == null ? List.of() : List.copyOf(approvers);
    escalateTo = escalateTo == null ? List.of() : List.copyOf(escalateTo);
  }
}
