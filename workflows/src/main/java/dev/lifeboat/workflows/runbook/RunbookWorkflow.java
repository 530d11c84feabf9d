package dev.lifeboat.workflows.runbook;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runs an incident runbook step by step: timeouts, retries, {@code expect} assertions, {@code when}
 * conditions, parallel groups, approvals, nested runbooks as child workflows, rollback in reverse
 * order and timed rollback. Its workflow id is {@code runbook-<name>-<UTC time>}.
 *
 * <p>Operators steer a run with Workflow Updates, from {@code lifeboat runbook ...}, {@code
 * temporal workflow update --name NAME} or the Web UI. Each update is validated first; a rejected
 * one leaves no trace in the history and the caller gets the reason.
 */
@WorkflowInterface
public interface RunbookWorkflow {

  String TYPE = "RunbookWorkflow";

  /** Runs the runbook and returns how it ended; a run never fails for a step's failure. */
  @WorkflowMethod(name = TYPE)
  RunbookResult run(RunbookRequest request);

  /** Every step's status, start and end, attempts and output. */
  @QueryMethod
  RunbookRunStatus status();

  /**
   * Approves a step that waits for approval.
   *
   * @param step the step's id
   * @param approver who approves; must be one of the step's approvers (or, once escalated, of its
   *     escalation list)
   * @param hash the step's {@code approvalHash} from {@link #status()}, proving the approver saw
   *     the resolved arguments
   */
  @UpdateMethod
  String approve(String step, String approver, String hash);

  @UpdateValidatorMethod(updateName = "approve")
  void validateApprove(String step, String approver, String hash);

  /** Stops the run before its next step; a step already running finishes. */
  @UpdateMethod
  String pause();

  @UpdateValidatorMethod(updateName = "pause")
  void validatePause();

  /** Lets a paused run go on. */
  @UpdateMethod
  String resume();

  @UpdateValidatorMethod(updateName = "resume")
  void validateResume();

  /** Tries a step that failed with {@code onFailure: abort} and waits for a decision again. */
  @UpdateMethod
  String retry(String step);

  @UpdateValidatorMethod(updateName = "retry")
  void validateRetry(String step);

  /**
   * Skips a step: one that failed and waits for a decision, or one that has not started yet.
   *
   * @param reason why, for the audit record; required
   */
  @UpdateMethod
  String skip(String step, String reason);

  @UpdateValidatorMethod(updateName = "skip")
  void validateSkip(String step, String reason);

  /**
   * Ends the run: the running step is cancelled and, with {@code rollback}, the rollback blocks of
   * the completed steps run in reverse order.
   */
  @UpdateMethod
  String abort(boolean rollback);

  @UpdateValidatorMethod(updateName = "abort")
  void validateAbort(boolean rollback);

  /**
   * Confirms a run that waits after its last step ({@code rollbackAfter}), so it won't roll back.
   */
  @UpdateMethod
  String confirm();

  @UpdateValidatorMethod(updateName = "confirm")
  void validateConfirm();
}
