package dev.lifeboat.workflows.replay;

import dev.lifeboat.workflows.failover.FailoverWorkflowImpl;
import org.junit.jupiter.api.Test;

/**
 * Today's FailoverWorkflow code must replay a recorded failover that waited for an approval Update
 * and then promoted.
 */
class FailoverReplayTest {

  @Test
  void todaysCodeReplaysTheRecordedApprovedFailover() throws Exception {
    GoldenHistory.replay("histories/failover-approved.json", FailoverWorkflowImpl.class);
  }
}
