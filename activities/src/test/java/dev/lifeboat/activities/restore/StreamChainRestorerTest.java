package dev.lifeboat.activities.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamChainRestorerTest {

  @Test
  void theLayersAreCombinedOldestFirstIntoTheTarget() {
    assertThat(
            StreamChainRestorer.command(
                Path.of("/t/pg18/bin/pg_combinebackup"),
                Path.of("/var/tmp/restore/data"),
                List.of(
                    Path.of("/var/tmp/restore/.data.layers/00-F"),
                    Path.of("/var/tmp/restore/.data.layers/01-I1"),
                    Path.of("/var/tmp/restore/.data.layers/02-I2"))))
        .containsExactly(
            "/t/pg18/bin/pg_combinebackup",
            "-o",
            "/var/tmp/restore/data",
            "/var/tmp/restore/.data.layers/00-F",
            "/var/tmp/restore/.data.layers/01-I1",
            "/var/tmp/restore/.data.layers/02-I2");
  }

  @Test
  void theScratchFolderIsAHiddenSiblingOfTheTarget() {
    assertThat(StreamChainRestorer.scratchFor(Path.of("/var/tmp/restore/data")))
        .isEqualTo(Path.of("/var/tmp/restore/.data.layers"));
  }
}
