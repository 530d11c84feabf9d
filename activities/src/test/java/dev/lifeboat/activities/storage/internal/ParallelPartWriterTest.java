package dev.lifeboat.activities.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The part bookkeeping shared by the S3 and Azure Blob writers, against an in-memory part store
 * that records what it was asked to do. The real services are covered by the contract ITs.
 */
class ParallelPartWriterTest {

  private static final int PART = 1000;

  private final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    executor.shutdownNow();
  }

  @Test
  void anObjectSmallerThanOnePartIsStoredInOneRequest() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);
    writer.write(bytes(999));

    assertThat(writer.commit().size()).isEqualTo(999);
    assertThat(writer.calls).containsExactly("putWhole 999");
  }

  @Test
  void anEmptyObjectIsStoredInOneRequest() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);

    assertThat(writer.commit().size()).isZero();
    assertThat(writer.calls).containsExactly("putWhole 0");
  }

  @Test
  void cutsTheStreamIntoFullPartsAndAShorterLastOne() throws Exception {
    byte[] data = bytes(PART * 3 + 17);
    List<Long> progress = new CopyOnWriteArrayList<>();
    InMemoryParts writer = new InMemoryParts(2, progress::add);
    for (int offset = 0; offset < data.length; offset += 333) {
      writer.write(data, offset, Math.min(333, data.length - offset));
    }

    assertThat(writer.commit().size()).isEqualTo(data.length);
    assertThat(writer.calls).first().isEqualTo("begin");
    assertThat(writer.calls).last().isEqualTo("complete 4");
    assertThat(writer.assembled(4)).isEqualTo(data);
    assertThat(writer.parts.get(4)).hasSize(17);
    assertThat(progress).isSorted().last().isEqualTo((long) data.length);
  }

  @Test
  void anObjectOfWholePartsHasNoEmptyLastPart() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);
    writer.write(bytes(PART * 2));

    writer.commit();
    assertThat(writer.calls).last().isEqualTo("complete 2");
  }

  @Test
  void uploadsAtMostParallelismPartsAtOnce() throws Exception {
    InMemoryParts writer = new InMemoryParts(3, ProgressListener.NONE);
    writer.delayMillis = 20;
    writer.write(bytes(PART * 12));

    writer.commit();
    assertThat(writer.mostAtOnce.get()).isBetween(2, 3);
  }

  @Test
  void aFailedPartFailsTheCommitNamingTheStoreTheKeyAndTheCauseAndAborts() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);
    writer.failPart = 2;
    writer.write(bytes(PART * 3 + 1));

    assertThatThrownBy(writer::commit)
        .isInstanceOf(IOException.class)
        .hasMessage("upload of 'base/data' to mem://bucket/prefix failed: part 2 refused");
    assertThat(writer.calls).contains("abort").doesNotContain("complete 4");
  }

  @Test
  void aFailedPartFailsTheNextWrite() throws Exception {
    InMemoryParts writer = new InMemoryParts(1, ProgressListener.NONE);
    writer.failPart = 1;
    writer.write(bytes(PART));

    // The part fails on an upload thread; an empty write is enough to learn of it.
    IOException failure = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (failure == null && System.nanoTime() < deadline) {
      try {
        writer.write(new byte[0]);
        Thread.sleep(5);
      } catch (IOException e) {
        failure = e;
      }
    }
    assertThat(failure).hasMessageContaining("part 1 refused");
    writer.close();
    assertThat(writer.calls).last().isEqualTo("abort");
  }

  @Test
  void anAbortWaitsForPartsInFlightBeforeDiscardingTheUpload() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);
    writer.delayMillis = 200;
    writer.write(bytes(PART * 2));

    writer.close();
    assertThat(writer.calls).last().isEqualTo("abort");
    assertThat(writer.inFlight.get()).isZero();
  }

  @Test
  void closingBeforeAnyPartWasSentHasNothingToAbort() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);
    writer.write(bytes(10));

    writer.close();
    assertThat(writer.calls).isEmpty();
  }

  @Test
  void refusesWritesAfterTheCommit() throws Exception {
    InMemoryParts writer = new InMemoryParts(2, ProgressListener.NONE);
    writer.commit();

    assertThatThrownBy(() -> writer.write(1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already committed or aborted");
  }

  private static byte[] bytes(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  /** Keeps parts in a map and records the calls it gets, in order. */
  private final class InMemoryParts extends ParallelPartWriter {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<Integer, byte[]> parts = new ConcurrentHashMap<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    volatile int failPart = -1;
    volatile long delayMillis;

    InMemoryParts(int parallelism, ProgressListener progress) {
      super("mem://bucket/prefix", "base/data", PART, parallelism, 10_000, executor, progress);
    }

    @Override
    protected void beginParts() {
      calls.add("begin");
    }

    @Override
    protected void uploadPart(int partNumber, byte[] data, int length) throws Exception {
      mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(delayMillis);
        if (partNumber == failPart) {
          throw new IOException("part " + partNumber + " refused");
        }
        parts.put(partNumber, Arrays.copyOf(data, length));
      } finally {
        inFlight.decrementAndGet();
      }
    }

    @Override
    protected ObjectInfo completeParts(int partCount, long objectSize) {
      calls.add("complete " + partCount);
      return new ObjectInfo("base/data", objectSize, Instant.EPOCH);
    }

    @Override
    protected ObjectInfo putWhole(byte[] data, int length) {
      calls.add("putWhole " + length);
      return new ObjectInfo("base/data", length, Instant.EPOCH);
    }

    @Override
    protected void abortParts() {
      // A hook that throws is only logged, so record what the assertion needs instead.
      calls.add(inFlight.get() == 0 ? "abort" : "abort while parts are in flight");
    }

    byte[] assembled(int partCount) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (int partNumber = 1; partNumber <= partCount; partNumber++) {
        out.writeBytes(parts.get(partNumber));
      }
      return out.toByteArray();
    }
  }
}
