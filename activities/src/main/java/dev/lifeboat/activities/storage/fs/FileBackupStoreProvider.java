package dev.lifeboat.activities.storage.fs;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStoreProvider;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** {@code file:///absolute/path}: a local folder or a NAS mount. */
public final class FileBackupStoreProvider implements BackupStoreProvider {

  @Override
  public String scheme() {
    return "file";
  }

  @Override
  public BackupStore open(URI url, StoreOptions options) throws IOException {
    if (url.getPath() == null
        || url.getPath().isEmpty()
        || (url.getAuthority() != null && !url.getAuthority().isEmpty())) {
      throw new IllegalArgumentException(
          "backup destination '"
              + url
              + "' must be file:///absolute/path (three slashes, no host)");
    }
    return new FileBackupStore(url.toString(), Path.of(url.getPath()));
  }
}
