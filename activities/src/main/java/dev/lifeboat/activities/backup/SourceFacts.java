package dev.lifeboat.activities.backup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a backup's manifest records about its source besides the LSNs: the server version, the
 * system identifier and the row count of every user table, read on a connection of their own while
 * the backup reads the data. Counting walks every table, which takes as long as a fair part of the
 * backup on a large database and longer after a large UPDATE (the first read of an updated page
 * sets its hint bits), so it runs beside the backup instead of after it.
 *
 * <p>On a quiet cluster the counts are those at the backup's end point, which a restore to that
 * point checks; on a cluster taking writes no count taken by a session matches the end point
 * exactly, whether it is taken during the backup or after it.
 */
final class SourceFacts implements AutoCloseable {

  /**
   * The facts, and how long reading them took.
   *
   * @param uncounted tables whose count failed, with the server's error: a table with a damaged
   *     page cannot be counted, and a backup is needed most then, so it goes on without that count
   */
  record Facts(
      String version,
      String systemIdentifier,
      Map<String, Long> rowCounts,
      Map<String, String> uncounted,
      long millis) {

    /** What the operator must hear: one line per table that could not be counted. */
    List<String> warnings() {
      List<String> warnings = new ArrayList<>();
      uncounted.forEach(
          (table, error) ->
              warnings.add(
                  "the rows of "
                      + table
                      + " could not be counted ("
                      + error
                      + "), so a restore cannot check them"));
      return warnings;
    }
  }

  private final Connection connection;
  private final String node;
  private final CompletableFuture<Facts> reading;
  private volatile Statement running;
  private volatile boolean closing;

  private SourceFacts(Connection connection, String node) {
    this.connection = connection;
    this.node = node;
    this.reading = new CompletableFuture<>();
    Thread thread = new Thread(this::read, "lifeboat-source-facts");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Starts reading the facts in a thread of its own.
   *
   * @param connection a connection to the backup's source, closed by {@link #close()}
   * @param node the source node's name, for messages
   */
  static SourceFacts start(Connection connection, String node) {
    return new SourceFacts(connection, node);
  }

  /**
   * Waits for the facts.
   *
   * @param whileWaiting called about every five seconds while the counting goes on, to heartbeat
   */
  Facts await(Runnable whileWaiting) throws IOException {
    while (true) {
      try {
        return reading.get(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        whileWaiting.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while counting the rows of node " + node);
      } catch (ExecutionException e) {
        throw new IOException(
            "cannot read facts from node " + node + ": " + e.getCause().getMessage(), e.getCause());
      }
    }
  }

  private void read() {
    long from = System.nanoTime();
    try (Statement sql = connection.createStatement()) {
      running = sql;
      // Each count its own transaction, so one that fails (a damaged page, a table dropped since
      // it was listed) leaves the next to run.
      connection.setAutoCommit(true);
      String version;
      String systemIdentifier;
      try (ResultSet row =
          sql.executeQuery(
              "SELECT current_setting('server_version'),"
                  + " (SELECT system_identifier FROM pg_control_system())::text")) {
        row.next();
        version = row.getString(1);
        systemIdentifier = row.getString(2);
      }
      List<String> tables = new ArrayList<>();
      try (ResultSet rows =
          sql.executeQuery(
              "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables ORDER BY 1")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      Map<String, Long> counts = new TreeMap<>();
      Map<String, String> uncounted = new TreeMap<>();
      for (String table : tables) {
        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
          count.next();
          counts.put(table, count.getLong(1));
        } catch (SQLException e) {
          if (connection.isClosed() || closing) {
            throw e;
          }
          uncounted.put(table, e.getMessage());
        }
      }
      reading.complete(
          new Facts(
              version,
              systemIdentifier,
              counts,
              uncounted,
              (System.nanoTime() - from) / 1_000_000));
    } catch (SQLException | RuntimeException e) {
      reading.completeExceptionally(e);
    }
  }

  /**
   * Ends the reading: a backup that failed does not wait for its counts, so a count still running
   * is cancelled on the server.
   */
  @Override
  public void close() {
    closing = true;
    Statement statement = running;
    if (!reading.isDone() && statement != null) {
      try {
        statement.cancel();
      } catch (SQLException e) {
        // The connection is closed next, which ends the count too.
      }
    }
    try {
      connection.close();
    } catch (SQLException e) {
      // Nothing of the backup depends on this connection any more.
    }
  }
}
