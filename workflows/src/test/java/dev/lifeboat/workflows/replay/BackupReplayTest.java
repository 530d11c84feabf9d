package dev.lifeboat.workflows.replay;

import dev.lifeboat.workflows.backup.BackupWorkflowImpl;
import org.junit.jupiter.api.Test;

/** Today's BackupWorkflow code must replay a recorded full backup to two destinations. */
class BackupReplayTest {

  @Test
  void todaysCodeReplaysTheRecordedFullBackup() throws Exception {
    GoldenHistory.replay("histories/backup-full-two-destinations.json", BackupWorkflowImpl.class);
  }
}
