package dev.lifeboat.activities.postgres;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.RejoinResult;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Makes a node stream from a primary: a running standby is repointed with {@code ALTER SYSTEM}; an
 * old primary is stopped, rewound with {@code pg_rewind} (or replaced by a fresh {@code
 * pg_basebackup} when rewinding is impossible), configured and started.
 *
 * <p>Each standby streams through a physical slot named after it on the primary, so the primary
 * keeps the WAL the standby still needs. The replication password is written to a passfile beside
 * the data directory (mode 0600), never into the server's configuration.
 */
final class StandbySetup {

  /** Settings the node's own configuration must not carry once it follows another primary. */
  private static final Set<String> REPLACED_SETTINGS =
      Set.of(
          "primary_conninfo",
          "primary_slot_name",
          "synchronous_standby_names",
          "default_transaction_read_only");

  private final PgConnections connections;
  private final SecretResolver secrets;

  StandbySetup(PgConnections connections, SecretResolver secrets) {
    this.connections = connections;
    this.secrets = secrets;
  }

  static String slotName(NodeSpec standby) {
    return "lifeboat_" + standby.name().replace('-', '_').toLowerCase(Locale.ROOT);
  }

  void follow(NodeSpec standby, NodeSpec primary, boolean synchronous)
      throws SQLException, IOException {
    ensureSlot(primary, standby);
    String conninfo = conninfo(standby, primary);
    try (Connection c = connections.open(standby, null, "follow");
        Statement s = c.createStatement()) {
      s.execute("ALTER SYSTEM SET primary_conninfo = " + literal(conninfo));
      s.execute("ALTER SYSTEM SET primary_slot_name = " + literal(slotName(standby)));
      s.execute("SELECT pg_reload_conf()");
    }
    awaitStreaming(standby, primary, 60);
    if (synchronous) {
      requireSynchronous(primary, standby);
    }
  }

  RejoinResult rejoin(NodeSpec node, NodeSpec primary, boolean synchronous)
      throws SQLException, IOException {
    long started = System.nanoTime();
    NodeServer server = new NodeServer(node);
    if (server.running() && streamsFrom(node, primary)) {
      if (synchronous) {
        requireSynchronous(primary, node);
      }
      return new RejoinResult(
          node.name(), "none", elapsed(started), "already streams from " + primary.name());
    }
    Activity.getExecutionContext().heartbeat("stopping " + node.name());
    server.stop();
    // pg_rewind's crash recovery runs a single-user server, which refuses standby mode.
    server.liftDemotion();
    Map<Path, byte[]> ownConfig = readOwnConfig(server.directory());
    String method;
    String detail;
    Activity.getExecutionContext().heartbeat("rewinding " + node.name());
    try {
      detail = rewind(server, primary);
      method = "rewind";
    } catch (IOException rewindFailed) {
      Activity.getExecutionContext().heartbeat("fresh copy of " + node.name());
      detail =
          "pg_rewind failed ("
              + shorten(rewindFailed.getMessage())
              + "); "
              + freshCopy(server, node, primary);
      method = "basebackup";
    }
    writeOwnConfig(ownConfig);
    configureAsStandby(server.directory(), node, primary);
    ensureSlot(primary, node);
    Activity.getExecutionContext().heartbeat("starting " + node.name());
    server.start();
    awaitStreaming(node, primary, 120);
    dropStaleSlots(node);
    if (synchronous) {
      requireSynchronous(primary, node);
    }
    return new RejoinResult(node.name(), method, elapsed(started), shorten(detail));
  }

  private String rewind(NodeServer server, NodeSpec primary) throws IOException {
    // Right after a promotion pg_control still names the old timeline until a checkpoint, and
    // pg_rewind would then see "the same timeline" and rewind nothing.
    try (Connection c = connections.open(primary, null, "rewind-checkpoint");
        Statement s = c.createStatement()) {
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      throw new IOException("CHECKPOINT on " + primary.name() + " failed: " + e.getMessage(), e);
    }
    String source =
        "host="
            + primary.host()
            + " port="
            + primary.port()
            + " user="
            + primary.user()
            + " dbname="
            + primary.database();
    return PgProcesses.run(
        PgProcesses.tool(
            "pg_rewind", "--target-pgdata=" + server.directory(), "--source-server=" + source),
        passwordOf(primary),
        600);
  }

  private String freshCopy(NodeServer server, NodeSpec node, NodeSpec primary) throws IOException {
    Path dir = server.directory();
    Path aside =
        dir.resolveSibling(
            dir.getFileName() + ".lifeboat-old-" + Instant.now().toString().replace(':', '-'));
    Files.move(dir, aside);
    PgProcesses.run(
        PgProcesses.tool(
            "pg_basebackup",
            "-D",
            dir.toString(),
            "-X",
            "stream",
            "-c",
            "fast",
            "-d",
            "host="
                + primary.host()
                + " port="
                + primary.port()
                + " user="
                + replicationUser(primary)
                + " application_name="
                + node.name()),
        Map.of("PGPASSWORD", replicationPassword(primary)),
        3600);
    return "the old directory is kept at " + aside;
  }

  /** The node's own configuration files: rewind and base backups bring the primary's. */
  private static Map<Path, byte[]> readOwnConfig(Path dir) throws IOException {
    Map<Path, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : list.toList()) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && (name.endsWith(".conf") || name.equals("pg_ident.conf"))) {
          files.put(p, Files.readAllBytes(p));
        }
      }
    }
    return files;
  }

  private static void writeOwnConfig(Map<Path, byte[]> files) throws IOException {
    for (Map.Entry<Path, byte[]> e : files.entrySet()) {
      Files.write(e.getKey(), e.getValue());
      PgProcesses.handOver(e.getKey());
    }
  }

  private void configureAsStandby(Path dir, NodeSpec node, NodeSpec primary) throws IOException {
    Path auto = dir.resolve("postgresql.auto.conf");
    List<String> kept = new ArrayList<>();
    if (Files.exists(auto)) {
      for (String line : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
        String key = line.split("=", 2)[0].trim();
        if (!REPLACED_SETTINGS.contains(key)) {
          kept.add(line);
        }
      }
    }
    kept.add("primary_conninfo = " + literal(conninfo(node, primary)));
    kept.add("primary_slot_name = " + literal(slotName(node)));
    Files.write(auto, kept, StandardCharsets.UTF_8);
    Files.write(dir.resolve("standby.signal"), new byte[0]);
    PgProcesses.handOver(auto);
    PgProcesses.handOver(dir.resolve("standby.signal"));
  }

  /** The connection string a standby streams with; the password is in its passfile. */
  private String conninfo(NodeSpec standby, NodeSpec primary) throws IOException {
    NodeServer server = new NodeServer(standby);
    Path passfile = server.directory().resolveSibling(server.directory().getFileName() + ".pgpass");
    String password = replicationPassword(primary).replace("\\", "\\\\").replace(":", "\\:");
    Files.writeString(passfile, "*:*:*:" + replicationUser(primary) + ":" + password + "\n");
    Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
    PgProcesses.handOver(passfile);
    return "host="
        + primary.host()
        + " port="
        + primary.port()
        + " user="
        + replicationUser(primary)
        + " passfile="
        + passfile
        + " application_name="
        + standby.name();
  }

  private void ensureSlot(NodeSpec primary, NodeSpec standby) throws SQLException {
    try (Connection c = connections.open(primary, null, "slot");
        PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_create_physical_replication_slot(?, true) WHERE NOT EXISTS"
                    + " (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?)")) {
      s.setString(1, slotName(standby));
      s.setString(2, slotName(standby));
      s.execute();
    }
  }

  /** Slots a demoted primary kept for its old standbys would hold WAL on it forever. */
  private void dropStaleSlots(NodeSpec node) throws SQLException {
    try (Connection c = connections.open(node, null, "slot-cleanup");
        Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
              + " WHERE NOT active AND slot_type = 'physical'");
    }
  }

  private boolean streamsFrom(NodeSpec node, NodeSpec primary) {
    try (Connection c = connections.open(node, null, "rejoin-check");
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT pg_is_in_recovery(), (SELECT sender_port FROM pg_stat_wal_receiver"
                    + " WHERE status = 'streaming')")) {
      r.next();
      return r.getBoolean(1) && r.getInt(2) == primary.port();
    } catch (SQLException e) {
      return false;
    }
  }

  private void awaitStreaming(NodeSpec standby, NodeSpec primary, int seconds) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try (Connection c = connections.open(primary, null, "rejoin-wait");
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT state FROM pg_stat_replication WHERE application_name = ?")) {
        s.setString(1, standby.name());
        try (ResultSet r = s.executeQuery()) {
          if (r.next() && "streaming".equals(r.getString(1))) {
            return;
          }
        }
      }
      if (System.nanoTime() > deadline) {
        throw ApplicationFailure.newFailure(
            standby.name()
                + " does not stream from "
                + primary.name()
                + " after "
                + seconds
                + " s; see "
                + new NodeServer(standby).log(),
            ErrorTypes.REJOIN_FAILED);
      }
      Activity.getExecutionContext().heartbeat("waiting for " + standby.name() + " to stream");
      sleep(250);
    }
  }

  /** Makes the primary wait at commit for any one of its streaming standbys, this one included. */
  private void requireSynchronous(NodeSpec primary, NodeSpec standby) throws SQLException {
    try (Connection c = connections.open(primary, null, "sync");
        Statement s = c.createStatement()) {
      Set<String> names = new LinkedHashSet<>();
      try (ResultSet r =
          s.executeQuery(
              "SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'"
                  + " ORDER BY application_name")) {
        while (r.next()) {
          names.add(r.getString(1));
        }
      }
      names.add(standby.name());
      List<String> quoted = names.stream().map(n -> "\"" + n.replace("\"", "") + "\"").toList();
      s.execute(
          "ALTER SYSTEM SET synchronous_standby_names = "
              + literal("ANY 1 (" + String.join(", ", quoted) + ")"));
      s.execute("SELECT pg_reload_conf()");
    }
  }

  private Map<String, String> passwordOf(NodeSpec node) {
    return node.passwordSecret() == null
        ? Map.of()
        : Map.of("PGPASSWORD", secrets.resolve(node.passwordSecret(), "node " + node.name()));
  }

  private static String replicationUser(NodeSpec primary) {
    return primary.replicationUser() == null ? primary.user() : primary.replicationUser();
  }

  private String replicationPassword(NodeSpec primary) {
    String secret =
        primary.replicationSecret() == null
            ? primary.passwordSecret()
            : primary.replicationSecret();
    return secret == null ? "" : secrets.resolve(secret, "replication to node " + primary.name());
  }

  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static String shorten(String text) {
    String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 400 ? flat : flat.substring(flat.length() - 400);
  }

  private static long elapsed(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
