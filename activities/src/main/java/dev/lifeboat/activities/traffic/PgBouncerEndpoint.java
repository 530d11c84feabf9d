package dev.lifeboat.activities.traffic;

import dev.lifeboat.activities.postgres.PgProcesses;
import dev.lifeboat.activities.postgres.PgTools;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PgBouncer as the cluster's endpoint. Clients keep one connection string; a failover pauses the
 * database, rewrites its {@code [databases]} entry to the new primary, then {@code RELOAD} and
 * {@code RESUME}. The admin console is spoken to over the simple query protocol.
 */
final class PgBouncerEndpoint {

  /** How long {@code PAUSE} may wait for transactions to finish before connections are killed. */
  private static final int PAUSE_SECONDS = 5;

  private final SecretResolver secrets;

  PgBouncerEndpoint(SecretResolver secrets) {
    this.secrets = secrets;
  }

  FenceReport hold(TrafficEndpoint endpoint) throws IOException {
    String layer = "pgbouncer " + endpoint.name();
    try {
      admin(endpoint, "PAUSE " + endpoint.database(), PAUSE_SECONDS);
      return new FenceReport(layer, true, "paused " + endpoint.database() + "; clients wait");
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("already")) {
        return new FenceReport(layer, true, endpoint.database() + " was already paused");
      }
      // Transactions on a dead or hung server never finish; dropping them is what fencing means,
      // and new clients still wait for RESUME.
      admin(endpoint, "KILL " + endpoint.database(), 30);
      return new FenceReport(
          layer,
          true,
          "PAUSE did not finish in " + PAUSE_SECONDS + " s; KILL dropped open connections");
    }
  }

  FenceReport redirect(TrafficEndpoint endpoint, NodeSpec target) throws IOException {
    Path ini = Path.of(endpoint.configFile());
    String entry =
        endpoint.database()
            + " = host="
            + target.host()
            + " port="
            + target.port()
            + " dbname="
            + endpoint.database();
    boolean changed = rewriteDatabaseEntry(ini, endpoint.database(), entry);
    admin(endpoint, "RELOAD", 30);
    try {
      admin(endpoint, "RESUME " + endpoint.database(), 30);
    } catch (IOException e) {
      // RESUME of a database that is not paused is an error PgBouncer reports; nothing to do.
      if (e.getMessage() == null || !e.getMessage().contains("not paused")) {
        throw e;
      }
    }
    return new FenceReport(
        "pgbouncer " + endpoint.name(),
        true,
        (changed ? "points at " : "already pointed at ")
            + target.name()
            + " ("
            + target.host()
            + ":"
            + target.port()
            + "); reloaded and resumed");
  }

  String currentTarget(TrafficEndpoint endpoint) throws IOException {
    for (String line : Files.readAllLines(Path.of(endpoint.configFile()))) {
      Matcher m = entryPattern(endpoint.database()).matcher(line);
      if (m.find()) {
        Matcher host = Pattern.compile("host=(\\S+)").matcher(line);
        Matcher port = Pattern.compile("port=(\\d+)").matcher(line);
        return (host.find() ? host.group(1) : "?") + ":" + (port.find() ? port.group(1) : "5432");
      }
    }
    return null;
  }

  /**
   * Replaces the database's line of the {@code [databases]} section, keeping every other line, and
   * swaps the file in atomically with the old owner and mode. Returns whether it changed.
   */
  static boolean rewriteDatabaseEntry(Path ini, String database, String entry) throws IOException {
    List<String> lines = Files.readAllLines(ini, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>();
    boolean inDatabases = false;
    boolean replaced = false;
    boolean changed = false;
    for (String line : lines) {
      String trimmed = line.trim();
      if (trimmed.startsWith("[")) {
        if (inDatabases && !replaced) {
          out.add(entry);
          replaced = true;
          changed = true;
        }
        inDatabases = trimmed.equalsIgnoreCase("[databases]");
      } else if (inDatabases && entryPattern(database).matcher(line).find()) {
        changed |= !line.equals(entry);
        line = entry;
        replaced = true;
      }
      out.add(line);
    }
    if (!replaced) {
      throw new IOException(
          ini + " has no [databases] section; add one with an entry for " + database);
    }
    if (!changed) {
      return false;
    }
    Path temp = ini.resolveSibling(ini.getFileName() + ".lifeboat-tmp");
    Files.write(temp, out, StandardCharsets.UTF_8);
    PosixFileAttributes old = Files.readAttributes(ini, PosixFileAttributes.class);
    PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
    view.setPermissions(old.permissions());
    if (PgProcesses.runningAsRoot()) {
      view.setOwner(old.owner());
      view.setGroup(old.group());
    }
    Files.move(temp, ini, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return true;
  }

  private static Pattern entryPattern(String database) {
    return Pattern.compile("^\\s*" + Pattern.quote(database) + "\\s*=");
  }

  /**
   * Runs one admin-console command with psql: the console speaks only the simple query protocol and
   * refuses the session settings JDBC drivers send.
   */
  private void admin(TrafficEndpoint endpoint, String command, int timeoutSeconds)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("PGCONNECT_TIMEOUT", "5");
    if (endpoint.adminPasswordSecret() != null) {
      env.put(
          "PGPASSWORD",
          secrets.resolve(endpoint.adminPasswordSecret(), "PgBouncer endpoint " + endpoint.name()));
    }
    PgProcesses.run(
        List.of(
            PgTools.find("psql").toString(),
            "-X",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            endpoint.host(),
            "-p",
            Integer.toString(endpoint.port()),
            "-U",
            endpoint.adminUser(),
            "-d",
            "pgbouncer",
            "-c",
            command),
        env,
        timeoutSeconds);
  }
}
