package dev.lifeboat.activities.runbook;

import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the node a SQL step names: a node of the run's cluster by name, or {@code primary} / {@code
 * standby}, which are looked up by asking each node whether it is in recovery, so the step follows
 * the cluster's current roles rather than the configuration's order.
 */
final class SqlTargets {

  private final LifeboatConfig config;
  private final PgConnections connections;

  SqlTargets(LifeboatConfig config, PgConnections connections) {
    this.config = config;
    this.connections = connections;
  }

  NodeSpec resolve(String cluster, String target) throws InvalidStepException {
    ClusterSpec spec =
        config
            .cluster(cluster)
            .orElseThrow(
                () ->
                    new InvalidStepException(
                        "cluster '"
                            + cluster
                            + "' is not in "
                            + config.source()
                            + "; configured: "
                            + config.clusters().keySet()));
    if (!target.equals("primary") && !target.equals("standby")) {
      NodeSpec node = spec.node(target);
      if (node == null) {
        throw new InvalidStepException(
            "target '"
                + target
                + "' is not a node of cluster "
                + cluster
                + "; nodes: "
                + spec.nodes().stream().map(NodeSpec::name).toList()
                + ", or write primary or standby");
      }
      return node;
    }
    boolean wantStandby = target.equals("standby");
    List<String> seen = new ArrayList<>();
    for (NodeSpec node : spec.nodes()) {
      try (Connection connection = connections.open(node, cluster, "runbook");
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT pg_is_in_recovery()")) {
        rows.next();
        if (rows.getBoolean(1) == wantStandby) {
          return node;
        }
        seen.add(node.name() + (rows.getBoolean(1) ? " is a standby" : " is a primary"));
      } catch (SQLException e) {
        seen.add(node.name() + " is unreachable (" + e.getMessage() + ")");
      }
    }
    throw new InvalidStepException(
        "cluster " + cluster + " has no reachable " + target + ": " + String.join("; ", seen));
  }

  Connection open(NodeSpec node, String cluster, long timeoutSeconds) throws SQLException {
    Connection connection = connections.open(node, cluster, "runbook");
    // A runbook's SQL may take minutes (REINDEX); the pool's short socket timeout would cut it.
    connection.setNetworkTimeout(
        Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeoutSeconds * 1000));
    return connection;
  }
}
