package dev.lifeboat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark harness itself works: it measures and cleans up. No timing is asserted. */
class PipelineBenchTest {

  @Test
  void measuresAConfigurationAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    Files.writeString(
        input, "2 bedroom apartment in Bondi\n".repeat(100_000), StandardCharsets.US_ASCII);
    try (BackupStore store =
        BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults())) {
      PipelineBench.Result result =
          PipelineBench.measure(
              new PipelineBench.Config("t", Compression.ZSTD, 3, true),
              input,
              Files.size(input),
              store,
              1);

      assertThat(result.megabytesPerSecond()).isPositive();
      assertThat(result.storedBytes()).isPositive().isLessThan(Files.size(input));
      assertThat(store.list("")).isEmpty();
    }
  }
}
