package dev.lifeboat.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.workflows.model.BackupRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BackupCommandTest {

  @Test
  void anIncrementalReadsFilesUnlessStreamIsAskedFor() {
    BackupCommand.Incremental files = new BackupCommand.Incremental();
    new CommandLine(files).parseArgs();
    assertThat(files.request("shop").source()).isEqualTo(BackupRequest.SOURCE_FILES);

    BackupCommand.Incremental stream = new BackupCommand.Incremental();
    new CommandLine(stream).parseArgs("--source", "stream", "--parent", "20261125T235214Z-full");
    BackupRequest request = stream.request("db18");
    assertThat(request.type()).isEqualTo(BackupRequest.INCREMENTAL);
    assertThat(request.source()).isEqualTo(BackupRequest.SOURCE_STREAM);
    assertThat(request.parent()).isEqualTo("20261125T235214Z-full");
  }

  @Test
  void anUnknownSourceIsRefused() {
    BackupCommand.Incremental incremental = new BackupCommand.Incremental();
    new CommandLine(incremental).parseArgs("--source", "tape");
    assertThatThrownBy(() -> incremental.request("shop"))
        .hasMessage("--source tape is not known; use files or stream");
  }
}
