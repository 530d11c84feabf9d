package dev.lifeboat.workflows.replay;

import dev.lifeboat.workflows.failover.ClusterMonitorWorkflowImpl;
import dev.lifeboat.workflows.failover.FailoverWorkflowImpl;
import org.junit.jupiter.api.Test;

/**
 * Today's code must replay the recorded histories of the failover safety rules: a failover whose
 * fence did not hold and waited for an approval, and a monitor run that lost a region's worker and
 * continued as new. A failure here means a change to those workflows' commands is not versioned:
 * wrap it in {@code Workflow.getVersion}.
 */
class FailoverSafetyReplayTest {

  @Test
  void todaysCodeReplaysAFailoverWhoseFenceDidNotHold() throws Exception {
    GoldenHistory.replay(
        "histories/failover-fence-unheld-approved.json", FailoverWorkflowImpl.class);
  }

  @Test
  void todaysCodeReplaysAMonitorRunThatContinuedAsNew() throws Exception {
    GoldenHistory.replay(
        "histories/monitor-worker-lost-continued-as-new.json", ClusterMonitorWorkflowImpl.class);
  }
}
