package dev.lifeboat.worker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client that keeps writing numbered rows to one node and logs, on its side, every write the
 * server acknowledged; afterwards a test checks that each acknowledged row is on the node that is
 * primary then. Bounded: it stops by itself after {@code maxWrites} writes or when closed.
 */
final class WriteLog implements AutoCloseable {

  /** Opens the connection the client writes through: a node, or an endpoint such as PgBouncer. */
  @FunctionalInterface
  interface Connector {
    Connection open() throws Exception;
  }

  private final Connector connector;
  private final String database;
  private final Set<Long> acknowledged = new ConcurrentSkipListSet<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread writer;

  private WriteLog(Connector connector, String database, int maxWrites) {
    this.connector = connector;
    this.database = database;
    this.writer = new Thread(() -> write(maxWrites), "write-log");
  }

  /** Creates the log table on the primary at {@code port} and starts writing to it. */
  static WriteLog start(int port, String database, int maxWrites) throws Exception {
    return start(() -> PgPair.superuser(port, database), database, maxWrites);
  }

  /**
   * Creates the log table through {@code connector} and starts writing through it; {@code database}
   * is where {@link #missingOn} looks for the rows.
   */
  static WriteLog start(Connector connector, String database, int maxWrites) throws Exception {
    try (Connection c = connector.open();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS write_log (id bigint PRIMARY KEY, at timestamptz)");
    }
    WriteLog log = new WriteLog(connector, database, maxWrites);
    log.writer.setDaemon(true);
    log.writer.start();
    return log;
  }

  private void write(int maxWrites) {
    long next = 1;
    while (running.get() && next <= maxWrites) {
      try (Connection c = connector.open();
          PreparedStatement insert =
              c.prepareStatement("INSERT INTO write_log VALUES (?, now())")) {
        insert.setQueryTimeout(3);
        while (running.get() && next <= maxWrites) {
          insert.setLong(1, next);
          insert.executeUpdate();
          acknowledged.add(next);
          next++;
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception refused) {
        // Not acknowledged: the row may or may not exist, and that is allowed. Try the next one.
        next++;
        sleepQuietly(200);
      }
    }
  }

  /** Stops writing and waits for the writer to end. */
  void stop() throws InterruptedException {
    running.set(false);
    writer.join(10_000);
  }

  /** How many writes the server acknowledged. */
  int acknowledgedCount() {
    return acknowledged.size();
  }

  /** The acknowledged rows that the node at {@code port} does not hold. */
  List<Long> missingOn(int port) throws Exception {
    Set<Long> present = new TreeSet<>();
    try (Connection c = PgPair.superuser(port, database);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM write_log")) {
      while (r.next()) {
        present.add(r.getLong(1));
      }
    }
    List<Long> missing = new ArrayList<>();
    for (long id : acknowledged) {
      if (!present.contains(id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
