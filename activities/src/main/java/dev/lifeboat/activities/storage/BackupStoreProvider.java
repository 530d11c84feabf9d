package dev.lifeboat.activities.storage;

import java.io.IOException;
import java.net.URI;

/**
 * A storage backend, found through {@link java.util.ServiceLoader} by URL scheme. Backends live in
 * their own packages ({@code storage/fs}, {@code storage/s3}, ...) and register in {@code
 * META-INF/services/dev.lifeboat.activities.storage.BackupStoreProvider}.
 */
public interface BackupStoreProvider {

  /** The URL scheme this backend serves, for example {@code s3}. */
  String scheme();

  /**
   * Opens a store.
   *
   * @param url the destination URL with this provider's scheme
   * @param options settings and credentials
   * @throws IllegalArgumentException when the URL is malformed for this backend, saying what shape
   *     is expected
   */
  BackupStore open(URI url, StoreOptions options) throws IOException;
}
