package dev.lifeboat.workflows.replay;

import dev.lifeboat.workflows.backup.BackupWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/** Today's BackupWorkflow code must replay a recorded full backup to two destinations. */
class BackupReplayTest {

  @Test
  void todaysCodeReplaysTheRecordedFullBackup() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/backup-full-two-destinations.json", BackupWorkflowImpl.class);
  }
}
