package dev.lifeboat.activities.backup.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/**
 * The pace of the files source's readers. Only lower bounds on elapsed time are asserted: a slow
 * machine makes a read take longer, never shorter, so these cannot fail from slowness.
 */
class ReadThrottleTest {

  private static final long RATE = 8L << 20;
  private static final int CHUNK = 64 << 10;

  @Test
  void noRateLeavesTheReadsUnthrottled() {
    LongConsumer progress = n -> {};
    assertThat(ReadThrottle.of(progress, 0)).isSameAs(progress);
  }

  @Test
  void readersTogetherStayUnderTheRateAndProgressSeesEveryByte() throws Exception {
    AtomicLong told = new AtomicLong();
    long began = System.nanoTime();
    LongConsumer throttle = ReadThrottle.of(told::addAndGet, RATE);
    int readers = 4;
    long perReader = 4L << 20;
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < readers; i++) {
      Thread reader = new Thread(() -> read(throttle, perReader));
      threads.add(reader);
      reader.start();
    }
    for (Thread reader : threads) {
      reader.join();
    }
    long elapsed = System.nanoTime() - began;

    long total = readers * perReader;
    assertThat(told.get()).isEqualTo(total);
    // 16 MiB at 8 MiB/s is two seconds; the throttle grants at most its credit in advance.
    assertThat(elapsed).isGreaterThanOrEqualTo(nanosAtRate(total) - ReadThrottle.MAX_CREDIT_NANOS);
  }

  @Test
  void anIdlePauseEarnsNoMoreThanTheCredit() throws Exception {
    LongConsumer throttle = ReadThrottle.of(n -> {}, RATE);
    // Readers waiting on a checkpoint or an upload for three seconds ...
    TimeUnit.SECONDS.sleep(3);
    long began = System.nanoTime();
    long bytes = 16L << 20;
    read(throttle, bytes);
    // ... may then read one second's worth at disk speed, not three.
    assertThat(System.nanoTime() - began)
        .isGreaterThanOrEqualTo(nanosAtRate(bytes) - ReadThrottle.MAX_CREDIT_NANOS);
  }

  private static void read(LongConsumer throttle, long bytes) {
    for (long done = 0; done < bytes; done += CHUNK) {
      throttle.accept(CHUNK);
    }
  }

  private static long nanosAtRate(long bytes) {
    return (long) (bytes * 1e9 / RATE);
  }
}
