package dev.lifeboat.activities.postgres;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.workflows.model.NodeSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens JDBC connections to configured nodes with bounded timeouts, resolving each node's password
 * secret on this worker. Every Lifeboat activity that speaks SQL connects through here.
 */
public final class PgConnections {

  /** Seconds to wait for a TCP connect and login; a dead host must not stall a probe. */
  static final int CONNECT_TIMEOUT_SECONDS = 5;

  /** Seconds a single socket read may block; probes are small queries. */
  static final int SOCKET_TIMEOUT_SECONDS = 10;

  private final SecretResolver secrets;

  public PgConnections(SecretResolver secrets) {
    this.secrets = secrets;
  }

  /**
   * Opens a connection to a node.
   *
   * @param node the node
   * @param cluster the cluster name, for error messages
   * @param purpose shown as {@code application_name}, so DBAs see who connected
   */
  public Connection open(NodeSpec node, String cluster, String purpose) throws SQLException {
    return open(node, cluster, purpose, CONNECT_TIMEOUT_SECONDS, SOCKET_TIMEOUT_SECONDS);
  }

  /**
   * Opens a connection whose connect, login and every read are bounded by the given seconds: a
   * probe must answer "unreachable" within its own deadline, or it would be judged as a probe that
   * never ran. A stalled server completes the TCP handshake in the kernel and then never answers.
   */
  public Connection open(
      NodeSpec node, String cluster, String purpose, int connectSeconds, int socketSeconds)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", node.user());
    if (node.passwordSecret() != null) {
      props.setProperty(
          "password",
          secrets.resolve(
              node.passwordSecret(),
              "node " + node.name() + (cluster == null ? "" : " of cluster " + cluster)));
    }
    props.setProperty("connectTimeout", Integer.toString(connectSeconds));
    props.setProperty("loginTimeout", Integer.toString(connectSeconds));
    props.setProperty("socketTimeout", Integer.toString(socketSeconds));
    props.setProperty("ApplicationName", "lifeboat-" + purpose);
    String url = "jdbc:postgresql://" + node.host() + ":" + node.port() + "/" + node.database();
    return DriverManager.getConnection(url, props);
  }
}
