package dev.lifeboat.workflows.runbook;

import java.util.List;

/**
 * Where one step of a run stands, as the {@code status} query reports it.
 *
 * @param id the step's id; rollback steps are {@code <step>.rollback.<id>} and verification steps
 *     {@code verify.<id>}
 * @param name the step's name
 * @param type the step's type
 * @param status one of {@link StepStatus#PENDING}, {@link StepStatus#RUNNING}, ...
 * @param startedAt when the step started (ISO-8601), or null
 * @param endedAt when it ended (ISO-8601), or null
 * @param attempts how many attempts ran
 * @param output what the step printed or returned (truncated by the activity), or its plan in a dry
 *     run
 * @param error why it failed or was skipped, or null
 * @param approvalHash for a step that waits for approval, the hash an approver signs
 * @param approvedBy who has approved it so far
 */
public record StepStatus(
    String id,
    String name,
    String type,
    String status,
    String startedAt,
    String endedAt,
    int attempts,
    String output,
    String error,
    String approvalHash,
    List<String> approvedBy) {

  public static final String PENDING = "pending";
  public static final String RUNNING = "running";
  public static final String WAITING_APPROVAL = "waiting-approval";
  public static final String WAITING_DECISION = "waiting-decision";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
  public static final String PLANNED = "planned";
  public static final String CANCELLED = "cancelled";

  public StepStatus {
    approvedBy = approvedBy == null ? List.of() : List.copyOf(approvedBy);
  }
}
