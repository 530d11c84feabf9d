package dev.lifeboat.workflows.replay;

import dev.lifeboat.workflows.restore.RestoreWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/** Today's RestoreWorkflow code must replay a recorded scratch test restore that passed. */
class RestoreReplayTest {

  @Test
  void todaysCodeReplaysTheRecordedTestRestore() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/restore-proven-scratch.json", RestoreWorkflowImpl.class);
  }
}
