package dev.lifeboat.activities.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.storage.AbstractBackupStoreContractTest;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract on a local folder, plus what only a file system shows. */
class FileBackupStoreTest extends AbstractBackupStoreContractTest {

  @TempDir Path dir;

  @Override
  protected BackupStore createStore() throws Exception {
    return BackupStores.open("file://" + dir.resolve("nas/backups"), StoreOptions.defaults());
  }

  @Test
  void writesGoToAHiddenTemporaryFileUntilCommit() throws Exception {
    Path root = dir.resolve("nas/backups");
    try (ObjectWriter writer = store.create("base/data")) {
      writer.write(new byte[] {1, 2, 3});
      try (Stream<Path> files = Files.list(root.resolve("base"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .singleElement()
            .satisfies(name -> assertThat(name).startsWith(FileBackupStore.TEMP_PREFIX));
      }
      writer.commit();
    }
    try (Stream<Path> files = Files.list(root.resolve("base"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("data");
    }
  }

  @Test
  void rejectsAFileUrlWithAHost() {
    assertThatThrownBy(() -> BackupStores.open("file://nas/backups", StoreOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be file:///absolute/path");
  }

  @Test
  void rejectsAnUnknownScheme() {
    assertThatThrownBy(() -> BackupStores.open("ftp://host/x", StoreOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ftp://host/x' has no supported scheme; use one of [")
        .hasMessageContaining("file://");
  }
}
