package dev.lifeboat.worker;

import dev.lifeboat.config.LifeboatConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A throwaway PostgreSQL pair from {@code scripts/pg-pair.sh} (primary {@code east}, streaming
 * standby {@code west}, a PgBouncer in front) and the lifeboat.yaml text that describes it, for
 * failover tests that must not touch the demo cluster.
 */
final class PgPair implements AutoCloseable {

  final String name;
  final int east;
  final int west;
  final int bouncer;
  final Path dir;

  private PgPair(String name, int east, int west, int bouncer, Path dir) {
    this.name = name;
    this.east = east;
    this.west = west;
    this.bouncer = bouncer;
    this.dir = dir;
  }

  /** Removes a pair of that name left by an earlier run, then creates it. */
  static PgPair up(String name, int east, int west, int bouncer, boolean synchronous)
      throws Exception {
    script("down", name);
    List<String> args = new ArrayList<>(List.of("up", name, "" + east, "" + west, "" + bouncer));
    if (synchronous) {
      args.add("--sync");
    }
    List<String> out = script(args.toArray(String[]::new));
    return new PgPair(name, east, west, bouncer, Path.of(out.get(out.size() - 1).strip()));
  }

  /** The temporal, secrets and worker sections: this JVM's workers serve only these regions. */
  static String header(LifeboatConfig stack, String... regions) {
    return """
        temporal: {address: %s, namespace: %s}
        secrets: {dir: %s}
        worker: {regions: [%s], metricsPort: 0}
        clusters:
        """
        .formatted(
            stack.temporal().address(),
            stack.temporal().namespace(),
            stack.secretsDir(),
            String.join(", ", regions));
  }

  /**
   * A whole lifeboat.yaml for the pair alone: cluster {@code name} (also the prefix of its regions
   * {@code <name>-east/-west}) with {@code settings} (its replication, health and failover lines),
   * the PgBouncer endpoint and both nodes; this JVM's or a worker's regions are {@code regions}.
   */
  String config(String settings, String... regions) {
    return header(RealStack.config(), regions)
        + "  "
        + name
        + ":\n"
        + settings
        + "    traffic:\n"
        + bouncerEndpoint("      ")
        + "    nodes:\n"
        + nodes("      ", name);
  }

  /** The PgBouncer endpoint as one {@code traffic} list item, indented by {@code indent}. */
  String bouncerEndpoint(String indent) {
    return indent
        + "- {name: bouncer, type: pgbouncer, host: 127.0.0.1, port: "
        + bouncer
        + ", adminUser: lifeboat, adminPasswordSecret: pgbouncer-admin, database: shop,"
        + " configFile: "
        + dir
        + "/pgbouncer.ini}\n";
  }

  /** The two nodes as {@code nodes} list items in regions {@code <prefix>-east/-west}. */
  String nodes(String indent, String regionPrefix) {
    return node(indent, "east", regionPrefix, 100, east)
        + node(indent, "west", regionPrefix, 50, west);
  }

  private String node(String indent, String node, String regionPrefix, int priority, int port) {
    return indent
        + "- {name: "
        + node
        + ", region: "
        + regionPrefix
        + "-"
        + node
        + ", priority: "
        + priority
        + ", host: 127.0.0.1, port: "
        + port
        + ", database: postgres, user: postgres, passwordSecret: pg-shop, dataDir: "
        + dir
        + "/"
        + node
        + ", replicationUser: replicator, replicationSecret: pg-replicator}\n";
  }

  /** A superuser connection to a node of a pair (any pair: the stack's pg-shop password). */
  static Connection superuser(int port, String database) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    props.setProperty(
        "password", Files.readString(RealStack.config().secretsDir().resolve("pg-shop")).strip());
    props.setProperty("connectTimeout", "3");
    // A stalled (SIGSTOPped) server accepts the TCP connection and never answers the login.
    props.setProperty("loginTimeout", "3");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, props);
  }

  /**
   * West stops receiving WAL and east writes on, so a promotion of west would lose that write: a
   * failover then needs an approval, which holds it at a known step for a test.
   */
  void detachWestAndWriteOnEast() throws Exception {
    try (Connection c = superuser(west, "shop");
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET primary_conninfo = ''");
      s.execute("SELECT pg_reload_conf()");
    }
    Thread.sleep(1000);
    try (Connection c = superuser(east, "shop");
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE written_on_east_alone (id int)");
    }
  }

  @Override
  public void close() throws Exception {
    script("down", name);
  }

  static List<String> script(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", RealStack.ROOT + "/scripts/pg-pair.sh"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("pg-pair.sh " + String.join(" ", args) + " failed: " + err);
    }
    return out.lines().toList();
  }
}
