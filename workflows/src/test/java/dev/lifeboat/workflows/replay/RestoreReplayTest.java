package dev.lifeboat.workflows.replay;

import dev.lifeboat.workflows.restore.RestoreWorkflowImpl;
import org.junit.jupiter.api.Test;

/** Today's RestoreWorkflow code must replay a recorded scratch test restore that passed. */
class RestoreReplayTest {

  @Test
  void todaysCodeReplaysTheRecordedTestRestore() throws Exception {
    GoldenHistory.replay("histories/restore-proven-scratch.json", RestoreWorkflowImpl.class);
  }
}
