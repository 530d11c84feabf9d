package dev.lifeboat.workflows.runbook;

import java.util.ArrayList;
import java.util.List;

/**
 * The interpreter's mutable record of one step; {@link #toStatus()} gives the immutable view the
 * query returns. Times are ISO-8601 text taken from {@code Workflow.currentTimeMillis()}.
 */
final class StepState {

  final String id;
  final String name;
  final String type;
  String status = StepStatus.PENDING;
  String startedAt;
  String endedAt;
  int attempts;
  String output;
  String error;
  String approvalHash;
  final List<String> approvers = new ArrayList<>();
  final List<String> approvedBy = new ArrayList<>();
  boolean approved;

  StepState(String id, RunbookStep step) {
    this.id = id;
    this.name = step.title();
    this.type = step.type();
  }

  void start(String now) {
    status = StepStatus.RUNNING;
    if (startedAt == null) {
      startedAt = now;
    }
    endedAt = null;
    error = null;
  }

  void succeed(String now, String text, boolean planned) {
    status = planned ? StepStatus.PLANNED : StepStatus.SUCCEEDED;
    endedAt = now;
    output = text;
    error = null;
  }

  void fail(String now, String why) {
    status = StepStatus.FAILED;
    endedAt = now;
    error = why;
  }

  void skip(String now, String why) {
    status = StepStatus.SKIPPED;
    endedAt = now;
    error = why;
  }

  void cancel(String now, String why) {
    status = StepStatus.CANCELLED;
    endedAt = now;
    error = why;
  }

  boolean finished() {
    return switch (status) {
      case StepStatus.SUCCEEDED,
          StepStatus.FAILED,
          StepStatus.SKIPPED,
          StepStatus.PLANNED,
          StepStatus.CANCELLED ->
          true;
      default -> false;
    };
  }

  StepStatus toStatus() {
    return new StepStatus(
        id,
        name,
        type,
        status,
        startedAt,
        endedAt,
        attempts,
        output,
        error,
        approvalHash,
        approvedBy);
  }
}
