package dev.lifeboat.activities.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells a listener the running total of bytes read, across every stream sharing one counter. */
public final class ProgressInputStream extends FilterInputStream {

  /** A running total shared by the streams of one restore. */
  public static final class Counter {
    private final ProgressListener listener;
    private long total;

    public Counter(ProgressListener listener) {
      this.listener = listener;
    }

    synchronized void add(long n) {
      total += n;
      listener.bytesTransferred(total);
    }
  }

  private final Counter counter;

  /** Counts this stream's bytes alone. */
  public ProgressInputStream(InputStream in, ProgressListener listener) {
    this(in, new Counter(listener));
  }

  /** Adds this stream's bytes to a total shared with other streams. */
  public ProgressInputStream(InputStream in, Counter counter) {
    super(in);
    this.counter = counter;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      counter.add(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      counter.add(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(n);
    if (skipped > 0) {
      counter.add(skipped);
    }
    return skipped;
  }
}
