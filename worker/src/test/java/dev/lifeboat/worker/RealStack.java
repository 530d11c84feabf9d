package dev.lifeboat.worker;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.model.NodeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The local stack that {@code ./lifeboat test} starts: the repository's lifeboat.yaml, its secrets,
 * and plain JDBC connections for tests that need to change data.
 */
final class RealStack {

  static final Path ROOT = findRoot();

  private RealStack() {}

  static LifeboatConfig config() {
    return new ConfigLoader().load(ROOT.resolve("lifeboat.yaml"));
  }

  /** Opens a superuser connection to a node of the demo cluster. */
  static Connection connect(LifeboatConfig config, NodeSpec node) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", node.user());
    props.setProperty(
        "password", Files.readString(config.secretsDir().resolve(node.passwordSecret())).strip());
    props.setProperty("connectTimeout", "5");
    try {
      return DriverManager.getConnection(
          "jdbc:postgresql://" + node.host() + ":" + node.port() + "/" + node.database(), props);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot reach " + node.name() + "; is the stack up? Run './lifeboat stack up'", e);
    }
  }

  private static Path findRoot() {
    String fromEnv = System.getenv("LIFEBOAT_ROOT");
    if (fromEnv != null && Files.exists(Path.of(fromEnv, "lifeboat.yaml"))) {
      return Path.of(fromEnv).toAbsolutePath();
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("lifeboat.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "cannot find lifeboat.yaml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }
}
