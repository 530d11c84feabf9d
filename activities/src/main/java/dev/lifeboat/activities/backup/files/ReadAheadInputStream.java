package dev.lifeboat.activities.backup.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream ahead in a thread of its own, a few chunks at most, so that the work behind it
 * (fetching, verifying, decrypting and decompressing a parent backup's object) runs beside the
 * reader's own work instead of before it. An incremental's reader is otherwise one thread doing
 * both, and a bundle of one large relation file leaves the second core idle.
 *
 * <p>Chunks are handed back to the filling thread once read: a new 1 MiB array per chunk costs the
 * JVM a zeroing of it and the collector a sweep, a third of the cost of decompressing it.
 */
final class ReadAheadInputStream extends InputStream {

  /** Part of a chunk array that holds data. */
  private record Chunk(byte[] bytes, int length) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  private final InputStream in;
  private final BlockingQueue<Chunk> chunks;
  private final BlockingQueue<byte[]> free;
  private final Thread thread;
  private volatile IOException failure;
  private volatile boolean closed;
  private Chunk current = END;
  private int position;
  private boolean ended;

  /**
   * @param chunkSize bytes read at a time
   * @param depth chunks held ahead at most
   */
  ReadAheadInputStream(InputStream in, int chunkSize, int depth, String name) {
    this.in = in;
    this.chunks = new ArrayBlockingQueue<>(depth);
    // Held ahead, being filled and being read: no more arrays than that are ever in use.
    this.free = new ArrayBlockingQueue<>(depth + 2);
    this.thread = new Thread(() -> fill(chunkSize), name);
    thread.setDaemon(true);
    thread.start();
  }

  private void fill(int chunkSize) {
    try {
      while (!closed) {
        // Into a buffer of our own: readNBytes(int) gathers 8 KiB pieces and copies them, which
        // made reading a parent's bundle three times slower than its decompression.
        byte[] chunk = free.poll();
        if (chunk == null) {
          chunk = new byte[chunkSize];
        }
        int length = in.readNBytes(chunk, 0, chunkSize);
        if (length == 0) {
          break;
        }
        chunks.put(new Chunk(chunk, length));
      }
    } catch (IOException e) {
      failure = e;
    } catch (InterruptedException e) {
      // Closed while waiting for room: nobody reads on.
      return;
    } catch (RuntimeException e) {
      failure = new IOException(e);
    }
    try {
      chunks.put(END);
    } catch (InterruptedException e) {
      // Closed: nobody waits for the end.
    }
  }

  /** Moves to the next chunk; false at the end. */
  private boolean advance() throws IOException {
    while (position == current.length()) {
      if (ended) {
        return false;
      }
      if (current != END) {
        free.offer(current.bytes());
      }
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading ahead");
      }
      position = 0;
      if (current == END) {
        ended = true;
        if (failure != null) {
          throw failure;
        }
        return false;
      }
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    return advance() ? current.bytes()[position++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(length, current.length() - position);
    System.arraycopy(current.bytes(), position, buffer, offset, n);
    position += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n && advance()) {
      int step = (int) Math.min(n - skipped, current.length() - position);
      position += step;
      skipped += step;
    }
    return skipped;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
  }
}
