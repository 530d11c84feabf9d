package dev.lifeboat.activities.postgres;

import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.PromotionResult;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/** Promotes a standby and proves the result accepts writes. */
final class Promoter {

  private final PgConnections connections;

  Promoter(PgConnections connections) {
    this.connections = connections;
  }

  PromotionResult promote(NodeSpec node) throws SQLException {
    long started = System.nanoTime();
    boolean alreadyPrimary;
    try (Connection c = connections.open(node, null, "promote");
        Statement s = c.createStatement()) {
      boolean inRecovery = inRecovery(s);
      alreadyPrimary = !inRecovery;
      // A standby copied from a synchronous primary inherits synchronous_standby_names; with no
      // standby of its own yet, its first write would wait forever. A fenced old configuration
      // must not make the new primary read-only either.
      s.execute("ALTER SYSTEM RESET synchronous_standby_names");
      s.execute("ALTER SYSTEM RESET default_transaction_read_only");
      s.execute("SELECT pg_reload_conf()");
      if (inRecovery) {
        try (ResultSet r = s.executeQuery("SELECT pg_promote(wait => true, wait_seconds => 60)")) {
          r.next();
          if (!r.getBoolean(1)) {
            throw ApplicationFailure.newNonRetryableFailure(
                "pg_promote() on " + node.name() + " did not finish within 60 s; see its log",
                ErrorTypes.PROMOTION_FAILED);
          }
        }
      }
    }
    // A fresh session: the reload must be visible and the write must be a new transaction.
    try (Connection c = connections.open(node, null, "promote-check");
        Statement s = c.createStatement()) {
      s.setQueryTimeout(10);
      s.execute("SET synchronous_commit = local");
      String lsn;
      try (ResultSet r =
          s.executeQuery(
              "SELECT txid_current(), pg_current_wal_lsn()::text,"
                  + " ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int")) {
        r.next();
        lsn = r.getString(2);
        long timeline = r.getLong(3);
        SQLWarning warning = s.getWarnings();
        if (warning != null) {
          throw ApplicationFailure.newNonRetryableFailure(
              "the write that proves "
                  + node.name()
                  + " is primary came back with a warning: "
                  + warning.getMessage(),
              ErrorTypes.PROMOTION_FAILED);
        }
        return new PromotionResult(
            node.name(),
            lsn,
            timeline,
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
            alreadyPrimary);
      }
    }
  }

  static boolean inRecovery(Statement s) throws SQLException {
    try (ResultSet r = s.executeQuery("SELECT pg_is_in_recovery()")) {
      r.next();
      return r.getBoolean(1);
    }
  }
}
