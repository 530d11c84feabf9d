package dev.lifeboat.worker;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks every node, again and again, whether it takes a plain write (an INSERT as an application
 * would send it) and records each sampled instant at which more than one did: the split brain a
 * failover must never cause. Bounded: it samples every {@code intervalMillis} until closed, at most
 * {@code maxSamples} times.
 */
final class WritableSampler implements AutoCloseable {

  private final int[] ports;
  private final String database;
  private final List<String> splitBrains = new CopyOnWriteArrayList<>();
  private final Map<Integer, Integer> writableCounts = new TreeMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread sampler;
  private int samples;

  private WritableSampler(String database, long intervalMillis, int maxSamples, int... ports) {
    this.ports = ports;
    this.database = database;
    this.sampler = new Thread(() -> sample(intervalMillis, maxSamples), "writable-sampler");
  }

  /** Creates the sample table on the current primary at {@code primaryPort} and starts sampling. */
  static WritableSampler start(
      String database, int primaryPort, long intervalMillis, int maxSamples, int... ports)
      throws Exception {
    try (Connection c = PgPair.superuser(primaryPort, database);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS writable_sample (port int, at timestamptz)");
    }
    WritableSampler sampler = new WritableSampler(database, intervalMillis, maxSamples, ports);
    sampler.sampler.setDaemon(true);
    sampler.sampler.start();
    return sampler;
  }

  private void sample(long intervalMillis, int maxSamples) {
    while (running.get() && samples < maxSamples) {
      List<Integer> writable = new ArrayList<>();
      long at = System.currentTimeMillis();
      for (int port : ports) {
        if (takesAWrite(port)) {
          writable.add(port);
          synchronized (writableCounts) {
            writableCounts.merge(port, 1, Integer::sum);
          }
        }
      }
      samples++;
      if (writable.size() > 1) {
        splitBrains.add(at + ": " + writable);
      }
      try {
        Thread.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private boolean takesAWrite(int port) {
    try (Connection c = PgPair.superuser(port, database);
        Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      s.executeUpdate("INSERT INTO writable_sample VALUES (" + port + ", now())");
      return true;
    } catch (Exception refused) {
      return false;
    }
  }

  /** The sampled instants at which more than one node took a write, with their ports. */
  List<String> splitBrains() {
    return List.copyOf(splitBrains);
  }

  /** How often each port took a write, so a test can show the sampler saw a writable node. */
  Map<Integer, Integer> writableCounts() {
    synchronized (writableCounts) {
      return Map.copyOf(writableCounts);
    }
  }

  int samples() {
    return samples;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    sampler.join(15_000);
  }
}
