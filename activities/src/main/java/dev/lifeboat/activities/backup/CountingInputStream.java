package dev.lifeboat.activities.backup;

import dev.lifeboat.activities.storage.ProgressListener;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Tells a listener how many bytes have been read so far. */
final class CountingInputStream extends FilterInputStream {

  private final ProgressListener listener;
  private long count;

  CountingInputStream(InputStream in, ProgressListener listener) {
    super(in);
    this.listener = listener;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      listener.bytesTransferred(++count);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      count += n;
      listener.bytesTransferred(count);
    }
    return n;
  }
}
