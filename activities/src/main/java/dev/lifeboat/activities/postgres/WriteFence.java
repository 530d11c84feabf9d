package dev.lifeboat.activities.postgres;

import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Makes a primary refuse writes without stopping it: new transactions are read-only and every
 * client session is terminated, so a transaction that was open cannot commit afterwards.
 */
final class WriteFence {

  /**
   * Every client session but this one, whatever name it gives (a client can call itself
   * lifeboat-anything), and no WAL sender: terminating them ends every open transaction, and
   * reconnecting clients get read-only ones. The fence that no client can undo is the stop and the
   * demotion on disk that follow (see {@code PostgresActivities#stopAndDemote}).
   */
  private static final String TERMINATE_CLIENTS =
      """
      SELECT count(pg_terminate_backend(pid))
        FROM pg_stat_activity
       WHERE backend_type = 'client backend'
         AND pid <> pg_backend_pid()
      """;

  private final PgConnections connections;

  WriteFence(PgConnections connections) {
    this.connections = connections;
  }

  FenceReport fence(NodeSpec node) {
    String layer = "writes on " + node.name();
    try (Connection c = connections.open(node, null, "fence");
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
      s.execute("SELECT pg_reload_conf()");
      int terminated;
      try (ResultSet r = s.executeQuery(TERMINATE_CLIENTS)) {
        r.next();
        terminated = r.getInt(1);
      }
      return new FenceReport(
          layer,
          true,
          "default_transaction_read_only = on, " + terminated + " client session(s) terminated");
    } catch (SQLException e) {
      return new FenceReport(layer, false, "not reachable: " + e.getMessage());
    }
  }

  void unfence(NodeSpec node) throws SQLException {
    try (Connection c = connections.open(node, null, "unfence");
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM RESET default_transaction_read_only");
      s.execute("SELECT pg_reload_conf()");
    }
  }
}
