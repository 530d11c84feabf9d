package dev.lifeboat.activities.postgres;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.ReplicationPeer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Probes PostgreSQL nodes over JDBC. */
public final class PostgresActivitiesImpl implements PostgresActivities {

  /**
   * One round trip for the node's own state. On a primary the timeline comes from the current WAL
   * file name, which changes at promotion at once; {@code pg_control_checkpoint()} would lag until
   * the next checkpoint.
   */
  private static final String NODE_STATE =
      """
      SELECT pg_is_in_recovery(),
             current_setting('server_version'),
             (SELECT system_identifier FROM pg_control_system())::text,
             CASE WHEN pg_is_in_recovery()
                  THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver),
                                (SELECT timeline_id FROM pg_control_checkpoint()))
                  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
             END,
             CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                  ELSE pg_current_wal_lsn() END::text,
             pg_last_wal_receive_lsn()::text
      """;

  private static final String REPLICAS =
      """
      SELECT application_name, state, sync_state, sent_lsn::text, replay_lsn::text,
             extract(epoch FROM replay_lag)::float8
        FROM pg_stat_replication
       ORDER BY application_name
      """;

  private final PgConnections connections;

  public PostgresActivitiesImpl(PgConnections connections) {
    this.connections = connections;
  }

  @Override
  public NodeProbe probe(NodeSpec node) {
    long started = System.nanoTime();
    try (Connection connection = connections.open(node, null, "probe");
        Statement statement = connection.createStatement()) {
      boolean inRecovery;
      String version;
      String systemIdentifier;
      long timeline;
      String lsn;
      String receiveLsn;
      try (ResultSet row = statement.executeQuery(NODE_STATE)) {
        row.next();
        inRecovery = row.getBoolean(1);
        version = row.getString(2);
        systemIdentifier = row.getString(3);
        timeline = row.getLong(4);
        lsn = row.getString(5);
        receiveLsn = row.getString(6);
      }
      List<ReplicationPeer> replicas = inRecovery ? List.of() : replicas(statement);
      return new NodeProbe(
          node.name(),
          node.region(),
          true,
          inRecovery ? NodeRole.STANDBY : NodeRole.PRIMARY,
          version,
          systemIdentifier,
          timeline,
          lsn,
          receiveLsn,
          replicas,
          elapsedMillis(started),
          null);
    } catch (SQLException e) {
      return NodeProbe.unreachable(node, elapsedMillis(started), describe(node, e));
    }
  }

  private static List<ReplicationPeer> replicas(Statement statement) throws SQLException {
    List<ReplicationPeer> peers = new ArrayList<>();
    try (ResultSet rows = statement.executeQuery(REPLICAS)) {
      while (rows.next()) {
        double lag = rows.getDouble(6);
        Double replayLagSeconds = rows.wasNull() ? null : lag;
        peers.add(
            new ReplicationPeer(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                rows.getString(4),
                rows.getString(5),
                replayLagSeconds));
      }
    }
    return peers;
  }

  private static String describe(NodeSpec node, SQLException e) {
    String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
    return node.host() + ":" + node.port() + ": " + e.getMessage() + state;
  }

  private static long elapsedMillis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
