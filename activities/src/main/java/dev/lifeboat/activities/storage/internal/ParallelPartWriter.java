package dev.lifeboat.activities.storage.internal;

import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link ObjectWriter} that cuts the stream into parts of a fixed size and uploads up to {@code
 * parallelism} of them at once, for stores with multipart uploads (S3) or staged blocks (Azure
 * Blob). Memory stays bounded: at most {@code parallelism} part buffers are in flight plus the one
 * being filled, and writes block while every upload slot is taken.
 *
 * <p>An object smaller than one part never starts a multipart upload: {@link #putWhole} stores it
 * in one request at commit. Progress counts the bytes of parts whose upload finished, so it rises
 * monotonically and ends at the object's size.
 *
 * <p>The first failed part fails the next {@code write} or the commit with an {@link IOException}
 * naming the store, the key and the cause; the caller then closes the writer, which aborts.
 */
public abstract class ParallelPartWriter extends ObjectWriter {

  private static final Logger log = LoggerFactory.getLogger(ParallelPartWriter.class);

  /** Small objects (manifests, WAL segments) start with a small buffer that grows to a part. */
  private static final int INITIAL_BUFFER = 64 * 1024;

  /** How long an abort waits for parts in flight before it gives up on them. */
  private static final long ABORT_WAIT_SECONDS = 60;

  private final String storeUrl;
  private final String key;
  private final int partSize;
  private final int parallelism;
  private final int maxParts;
  private final ExecutorService executor;
  private final ProgressListener progress;
  private final Semaphore uploadSlots;
  private final ArrayDeque<byte[]> freeBuffers = new ArrayDeque<>();
  private final List<PartUpload> parts = new ArrayList<>();
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final Object progressLock = new Object();

  private byte[] buffer = new byte[0];
  private int filled;
  private long size;
  private int partCount;
  private long uploaded;

  /**
   * @param storeUrl the store's URL, for messages
   * @param key the object's key, for messages
   * @param partSize bytes per part; every part but the last has exactly this size
   * @param parallelism parts uploaded at once
   * @param maxParts the most parts the store accepts for one object
   * @param executor runs the part uploads; owned by the store
   * @param progress told the bytes uploaded so far
   */
  protected ParallelPartWriter(
      String storeUrl,
      String key,
      int partSize,
      int parallelism,
      int maxParts,
      ExecutorService executor,
      ProgressListener progress) {
    this.storeUrl = storeUrl;
    this.key = key;
    this.partSize = partSize;
    this.parallelism = parallelism;
    this.maxParts = maxParts;
    this.executor = executor;
    this.progress = progress;
    this.uploadSlots = new Semaphore(parallelism);
  }

  /** Starts the multipart upload, before the first part is sent; called on the writing thread. */
  protected abstract void beginParts() throws Exception;

  /**
   * Uploads one part; called on an upload thread, for several parts at once.
   *
   * @param partNumber 1 for the first part
   * @param data the part's bytes, from index 0; must not be kept after the call returns
   * @param length the number of bytes of {@code data} in the part
   */
  protected abstract void uploadPart(int partNumber, byte[] data, int length) throws Exception;

  /**
   * Makes the object from parts 1 to {@code partCount}, all uploaded, and returns what was stored.
   */
  protected abstract ObjectInfo completeParts(int partCount, long objectSize) throws Exception;

  /** Stores an object smaller than one part in one request and returns what was stored. */
  protected abstract ObjectInfo putWhole(byte[] data, int length) throws Exception;

  /**
   * Discards the uploaded parts after {@link #beginParts()}; must tolerate an unreachable store.
   */
  protected abstract void abortParts() throws Exception;

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] data, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (buffer == null) {
      throw new IOException(
          "the upload of '" + key + "' to " + storeUrl + " is already committed or aborted");
    }
    throwIfAPartFailed();
    while (length > 0) {
      if (filled == buffer.length) {
        growBuffer(length);
      }
      int n = Math.min(length, buffer.length - filled);
      System.arraycopy(data, offset, buffer, filled, n);
      filled += n;
      size += n;
      offset += n;
      length -= n;
      if (filled == partSize) {
        submitPart();
      }
    }
  }

  @Override
  protected final ObjectInfo doCommit() throws IOException {
    throwIfAPartFailed();
    try {
      if (partCount == 0) {
        ObjectInfo stored = putWhole(buffer, filled);
        reportUploaded(filled);
        return stored;
      }
      if (filled > 0) {
        submitPart();
      }
      awaitParts();
      return completeParts(partCount, size);
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw StoreFailures.upload(storeUrl, key, e);
    } finally {
      buffer = null;
    }
  }

  @Override
  protected final void doAbort() {
    buffer = null;
    for (PartUpload part : parts) {
      part.cancel();
    }
    // Parts still in flight could land after the abort and be kept (S3 says so), so wait for them:
    // a finished or cancelled part gives its upload slot back.
    try {
      if (!uploadSlots.tryAcquire(parallelism, ABORT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn(
            "aborting the upload of '{}' to {}: parts still in flight after {} s",
            key,
            storeUrl,
            ABORT_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (partCount > 0) {
      try {
        abortParts();
      } catch (Exception e) {
        // Nothing became visible; the store's lifecycle rules clean up what could not be aborted.
        log.warn(
            "could not abort the upload of '{}' to {}; its parts stay invisible but take space"
                + " until the store's lifecycle rules remove them: {}",
            key,
            storeUrl,
            StoreFailures.describe(e));
      }
    }
  }

  private void growBuffer(int wanted) {
    int grown = Math.min(partSize, Math.max(INITIAL_BUFFER, Math.max(buffer.length * 2, wanted)));
    buffer = Arrays.copyOf(buffer, grown);
  }

  private void submitPart() throws IOException {
    if (partCount == maxParts) {
      throw StoreFailures.upload(
          storeUrl,
          key,
          new IOException(
              "the object is larger than "
                  + maxParts
                  + " parts of "
                  + partSize
                  + " bytes; raise the part size"));
    }
    if (partCount == 0) {
      try {
        beginParts();
      } catch (Exception e) {
        throw StoreFailures.upload(storeUrl, key, e);
      }
    }
    try {
      uploadSlots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("upload of '" + key + "' to " + storeUrl + " interrupted");
    }
    int partNumber = ++partCount;
    byte[] data = buffer;
    int length = filled;
    buffer = takeFreeBuffer();
    filled = 0;
    PartUpload part = new PartUpload(partNumber, data, length);
    try {
      part.future = executor.submit(part);
    } catch (RuntimeException e) {
      uploadSlots.release();
      throw StoreFailures.upload(storeUrl, key, e);
    }
    parts.add(part);
  }

  /**
   * One part's upload. It holds an upload slot from submission until it has run, or until it is
   * cancelled before it started: exactly one of the two gives the slot back.
   */
  private final class PartUpload implements Runnable {
    private final int partNumber;
    private final byte[] data;
    private final int length;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private volatile Future<?> future;

    PartUpload(int partNumber, byte[] data, int length) {
      this.partNumber = partNumber;
      this.data = data;
      this.length = length;
    }

    @Override
    public void run() {
      if (!claimed.compareAndSet(false, true)) {
        return; // Cancelled before it started; the canceller gave the slot back.
      }
      try {
        if (firstFailure.get() == null) {
          uploadPart(partNumber, data, length);
          reportUploaded(length);
        }
      } catch (Throwable e) {
        firstFailure.compareAndSet(null, e);
      } finally {
        release(data);
      }
    }

    /** Stops the part: before it started, by taking its slot back; while running, by interrupt. */
    void cancel() {
      if (claimed.compareAndSet(false, true)) {
        release(data);
      } else {
        future.cancel(true);
      }
    }

    /** Waits for the part's upload to end. */
    void await() throws InterruptedException, ExecutionException {
      future.get();
    }
  }

  private void release(byte[] data) {
    synchronized (freeBuffers) {
      freeBuffers.push(data);
    }
    uploadSlots.release();
  }

  /** Reuses the buffer of a finished part, so buffers never outnumber the upload slots plus one. */
  private byte[] takeFreeBuffer() {
    synchronized (freeBuffers) {
      byte[] free = freeBuffers.poll();
      return free != null ? free : new byte[partSize];
    }
  }

  private void awaitParts() throws IOException {
    for (PartUpload part : parts) {
      try {
        part.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("upload of '" + key + "' to " + storeUrl + " interrupted");
      } catch (ExecutionException e) {
        firstFailure.compareAndSet(null, e.getCause());
      }
    }
    throwIfAPartFailed();
  }

  private void throwIfAPartFailed() throws IOException {
    Throwable failure = firstFailure.get();
    if (failure != null) {
      throw StoreFailures.upload(storeUrl, key, failure);
    }
  }

  /** Serialized, so that listeners see a running total that never goes down. */
  private void reportUploaded(long bytes) {
    synchronized (progressLock) {
      uploaded += bytes;
      progress.bytesTransferred(uploaded);
    }
  }
}
