package dev.lifeboat.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A place where backup objects live: a local or NAS folder, an S3 bucket, a Google Cloud Storage
 * bucket or an Azure Blob container, each under a prefix. Open one with {@link
 * BackupStores#open(String, StoreOptions)}; callers never name a backend class.
 *
 * <p>Keys are relative to the store's prefix, use {@code /} as separator, and are checked by {@link
 * ObjectKeys#check(String)}. Writes are atomic: an object becomes visible only when its {@link
 * ObjectWriter#commit()} returns, so a crash or an outage mid-upload never leaves a partial object
 * that looks complete.
 *
 * <p>Every backend retries transient errors (throttling, 5xx, resets) with backoff before it
 * throws; an {@link IOException} from a store means the operation failed for good and says which
 * store and key.
 */
public interface BackupStore extends AutoCloseable {

  /** Returns the URL this store was opened with, for messages and manifests. */
  String url();

  /**
   * Starts writing an object of unknown length. Nothing is visible under {@code key} until {@link
   * ObjectWriter#commit()}; closing the writer without committing discards it.
   *
   * @param key the object's key
   * @param progress told the number of bytes written so far, as the upload advances
   */
  ObjectWriter create(String key, ProgressListener progress) throws IOException;

  /** Starts writing an object, without progress reports. */
  default ObjectWriter create(String key) throws IOException {
    return create(key, ProgressListener.NONE);
  }

  /**
   * Opens an object for reading from its start.
   *
   * @throws NoSuchObjectException when there is no such object
   */
  InputStream open(String key) throws IOException;

  /**
   * Opens a byte range of an object.
   *
   * @param offset first byte to read
   * @param length number of bytes to read; fewer are returned when the object ends sooner
   * @throws NoSuchObjectException when there is no such object
   */
  InputStream open(String key, long offset, long length) throws IOException;

  /** Returns an object's size and modification time, or empty when it does not exist. */
  Optional<ObjectInfo> stat(String key) throws IOException;

  /**
   * Lists the committed objects whose keys start with {@code prefix} (a plain string prefix, not
   * only a folder), sorted by key. Uncommitted writes never appear.
   */
  List<ObjectInfo> list(String prefix) throws IOException;

  /**
   * Deletes an object. Deleting a missing object is not an error, so retries are safe.
   *
   * @return whether the object existed
   */
  boolean delete(String key) throws IOException;

  /** Releases the client's connections and threads. */
  @Override
  void close();
}
