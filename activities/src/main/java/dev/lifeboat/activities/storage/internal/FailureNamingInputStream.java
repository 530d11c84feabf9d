package dev.lifeboat.activities.storage.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.UnaryOperator;

/**
 * Wraps an object's download stream so that a failure mid-read (a reset connection, an SDK error
 * thrown unchecked) surfaces as an {@link IOException} that names the store and the key.
 */
public final class FailureNamingInputStream extends FilterInputStream {

  private final String storeUrl;
  private final String key;
  private final UnaryOperator<Throwable> explain;

  /** Reports a failure's own message. */
  public FailureNamingInputStream(InputStream in, String storeUrl, String key) {
    this(in, storeUrl, key, UnaryOperator.identity());
  }

  /**
   * @param explain picks the cause worth reporting from a backend's failure
   */
  public FailureNamingInputStream(
      InputStream in, String storeUrl, String key, UnaryOperator<Throwable> explain) {
    super(in);
    this.storeUrl = storeUrl;
    this.key = key;
    this.explain = explain;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException | RuntimeException e) {
      throw StoreFailures.read(storeUrl, key, explain.apply(e));
    }
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    try {
      return super.read(buffer, offset, length);
    } catch (IOException | RuntimeException e) {
      throw StoreFailures.read(storeUrl, key, explain.apply(e));
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return super.skip(n);
    } catch (IOException | RuntimeException e) {
      throw StoreFailures.read(storeUrl, key, explain.apply(e));
    }
  }

  @Override
  public void close() throws IOException {
    try {
      super.close();
    } catch (RuntimeException e) {
      throw StoreFailures.read(storeUrl, key, explain.apply(e));
    }
  }
}
