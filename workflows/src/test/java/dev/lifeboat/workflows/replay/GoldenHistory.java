package dev.lifeboat.workflows.replay;

import io.temporal.testing.WorkflowReplayer;

/** Replays a recorded history against today's workflow code, failing with what to do about it. */
final class GoldenHistory {

  private GoldenHistory() {}

  /**
   * Replays {@code resource} (under {@code src/test/resources}) with {@code workflow}.
   *
   * @throws AssertionError when today's code makes other commands than the recorded run did
   */
  static void replay(String resource, Class<?> workflow) {
    try {
      WorkflowReplayer.replayWorkflowExecutionFromResource(resource, workflow);
    } catch (Exception e) {
      throw new AssertionError(
          workflow.getSimpleName()
              + " no longer replays "
              + resource
              + ": a change to its commands must be versioned with Workflow.getVersion, so runs"
              + " started by older code keep their path (docs/architecture.md, 'Determinism and"
              + " history'). Cause: "
              + e,
          e);
    }
  }
}
