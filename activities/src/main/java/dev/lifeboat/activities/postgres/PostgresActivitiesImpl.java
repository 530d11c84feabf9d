package dev.lifeboat.activities.postgres;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.model.RejoinResult;
import dev.lifeboat.workflows.model.ReplicationPeer;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Probes PostgreSQL nodes over JDBC and carries out the node actions of a failover: fencing,
 * promotion, stopping and starting, repointing standbys and rejoining old primaries.
 */
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
  private final WriteFence fence;
  private final Promoter promoter;
  private final StandbySetup standbys;

  public PostgresActivitiesImpl(PgConnections connections, SecretResolver secrets) {
    this.connections = connections;
    this.fence = new WriteFence(connections);
    this.promoter = new Promoter(connections);
    this.standbys = new StandbySetup(connections, secrets);
  }

  @Override
  public FenceReport fenceWrites(NodeSpec node) {
    return fence.fence(node);
  }

  @Override
  public void unfenceWrites(NodeSpec node) {
    try {
      fence.unfence(node);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot unfence " + describe(node, e), e);
    }
  }

  @Override
  public boolean stopServer(NodeSpec node) {
    try {
      return new NodeServer(node).stop();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop node " + node.name(), e);
    }
  }

  @Override
  public FenceReport stopAndDemote(NodeSpec node) {
    NodeServer server = new NodeServer(node);
    try {
      boolean was = server.stop();
      server.demoteOnDisk(
          "stopped and demoted by Lifeboat at "
              + java.time.Instant.now()
              + "; rejoin it with lifeboat failover failback");
      return new FenceReport(
          "server " + node.name(),
          true,
          (was ? "stopped" : "was not running") + "; demoted on disk (standby.signal)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stop and demote node " + node.name(), e);
    }
  }

  @Override
  public void liftDemotionAndStart(NodeSpec node) {
    NodeServer server = new NodeServer(node);
    try {
      server.liftDemotion();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + node.name(), e);
    }
  }

  @Override
  public void startServer(NodeSpec node) {
    try {
      new NodeServer(node).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + node.name(), e);
    }
  }

  @Override
  public long crashServer(NodeSpec node) {
    try {
      return new NodeServer(node).crash();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot kill node " + node.name(), e);
    }
  }

  @Override
  public PromotionResult promote(NodeSpec node) {
    try {
      return promoter.promote(node);
    } catch (SQLException e) {
      throw new IllegalStateException("promotion of " + describe(node, e), e);
    }
  }

  @Override
  public String waitForReplay(NodeSpec standby, String lsn, int timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    try (Connection c = connections.open(standby, null, "replay-wait");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text,"
                    + " coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn()) >= ?::pg_lsn")) {
      s.setString(1, lsn);
      while (true) {
        try (ResultSet r = s.executeQuery()) {
          r.next();
          if (r.getBoolean(2)) {
            return r.getString(1);
          }
          if (System.nanoTime() > deadline) {
            throw ApplicationFailure.newNonRetryableFailure(
                standby.name()
                    + " replayed only up to "
                    + r.getString(1)
                    + " of "
                    + lsn
                    + " in "
                    + timeoutSeconds
                    + " s; is it streaming?",
                ErrorTypes.REPLAY_TIMEOUT);
          }
          Activity.getExecutionContext().heartbeat(r.getString(1));
        }
        Thread.sleep(50);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("waiting for replay on " + describe(standby, e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public String currentLsn(NodeSpec primary) {
    try (Connection c = connections.open(primary, null, "lsn");
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      r.next();
      return r.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException("reading the LSN of " + describe(primary, e), e);
    }
  }

  @Override
  public void follow(NodeSpec standby, NodeSpec primary, boolean synchronous) {
    try {
      standbys.follow(standby, primary, synchronous);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "cannot point " + standby.name() + " at " + primary.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public RejoinResult rejoin(NodeSpec node, NodeSpec primary, boolean synchronous) {
    try {
      return standbys.rejoin(node, primary, synchronous);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(
          "cannot rejoin " + node.name() + " under " + primary.name() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public NodeProbe probe(NodeSpec node) {
    long started = System.nanoTime();
    int seconds = ProbeDeadline.current();
    try (Connection connection = connections.open(node, null, "probe", seconds, seconds);
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
          null,
          false);
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
