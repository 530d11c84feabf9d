package dev.lifeboat.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of one failover run of scripts/bench-failover.sh: it writes through the traffic
 * endpoint (PgBouncer), kills the primary's postmaster with SIGKILL, and measures the time from the
 * kill to the first committed INSERT that the new primary served, then the rows it saw committed
 * that the new primary does not have.
 *
 * <p>The writer inserts one row per statement in autocommit, about every 10 ms while that works,
 * and after any error closes its connection, waits 100 ms and connects again through the same
 * connection string, as an application with a simple retry loop would. Whoever promotes the standby
 * (Lifeboat's monitor, or the script's bare loop) runs in another process; this one only writes,
 * kills and counts.
 *
 * <p>Usage: {@code java -cp lifeboat-bench.jar dev.lifeboat.bench.FailoverBench --bouncer PORT
 * --new-primary PORT --postmaster-pid FILE --secrets DIR [--timeout SECONDS]}. It prints one
 * tab-separated line on stdout: {@code RESULT, outcome (ok or gave-up), RTO in ms (or -), rows
 * lost, rows committed, failed attempts, commits that came with a warning, commits after the kill
 * on a server other than the new primary, the kill's time in epoch ms (or -), a note}; progress
 * goes to stderr.
 */
public final class FailoverBench {

  /** How long the writer waits after a failed attempt before it connects again. */
  static final long RETRY_MILLIS = 100;

  /** The pause between two successful INSERTs: about 100 rows a second, steady. */
  static final long PACE_MILLIS = 10;

  private FailoverBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    int bouncer = Integer.parseInt(require(options, "bouncer"));
    int newPrimary = Integer.parseInt(require(options, "new-primary"));
    Path pidFile = Path.of(require(options, "postmaster-pid"));
    Path secrets = Path.of(require(options, "secrets"));
    long timeoutMillis =
        TimeUnit.SECONDS.toMillis(Long.parseLong(options.getOrDefault("timeout", "60")));

    String appPassword = Files.readString(secrets.resolve("pg-shop-app")).strip();
    String superPassword = Files.readString(secrets.resolve("pg-shop")).strip();
    String bouncerUrl = "jdbc:postgresql://127.0.0.1:" + bouncer + "/shop";

    try (Connection c = connect(bouncerUrl, "shop", appPassword);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE bench_writes (id bigint PRIMARY KEY, at timestamptz DEFAULT now())");
    }

    Writer writer = new Writer(bouncerUrl, appPassword, newPrimary);
    Thread thread = new Thread(writer, "writer");
    thread.setDaemon(true);
    thread.start();
    // Two seconds of steady writing before the kill, so the JIT, the pool and the synchronous
    // standby are all past their first-use costs.
    long warmDeadline = System.currentTimeMillis() + 30_000;
    Thread.sleep(2_000);
    while (writer.committed.size() < 50) {
      if (System.currentTimeMillis() > warmDeadline) {
        writer.stop.set(true);
        result("gave-up", -1, 0, writer, 0, "the writer did not reach 50 commits before the kill");
        return;
      }
      Thread.sleep(50);
    }

    long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
    if (postmaster.isEmpty()) {
      writer.stop.set(true);
      result("gave-up", -1, 0, writer, 0, "no postmaster with pid " + pid + " to kill");
      return;
    }
    log("%d rows committed; kill -9 of the postmaster, pid %d", writer.committed.size(), pid);
    long killedAtEpoch = System.currentTimeMillis();
    long killedAt = System.nanoTime();
    writer.killedAt.set(killedAt);
    // destroyForcibly sends SIGKILL to the pid (checked against its start time, so a reused pid
    // is never hit); as root that works on the postgres user's process too.
    if (!postmaster.get().destroyForcibly()) {
      new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
    }

    long deadline = killedAt + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (writer.firstCommitAfterKill.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    long first = writer.firstCommitAfterKill.get();
    if (first == 0) {
      writer.stop.set(true);
      thread.join(10_000);
      result(
          "gave-up",
          -1,
          lost(writer, newPrimary, superPassword).size(),
          writer,
          killedAtEpoch,
          "no INSERT committed on the new primary within " + timeoutMillis / 1000 + " s");
      return;
    }
    long rtoMillis = TimeUnit.NANOSECONDS.toMillis(first - killedAt);
    log("first commit on the new primary %d ms after the kill; writing one more second", rtoMillis);
    // A second of writing on the new primary: rows committed just after the takeover must stay too.
    Thread.sleep(1_000);
    writer.stop.set(true);
    thread.join(10_000);
    Set<Long> lost = lost(writer, newPrimary, superPassword);
    if (!lost.isEmpty()) {
      log("rows committed but missing on the new primary: %s", lost);
    }
    result("ok", rtoMillis, lost.size(), writer, killedAtEpoch, "");
  }

  /** The ids the writer saw committed that the new primary, read directly, does not have. */
  private static Set<Long> lost(Writer writer, int newPrimary, String superPassword)
      throws SQLException {
    Set<Long> present = new TreeSet<>();
    try (Connection c =
            connect(
                "jdbc:postgresql://127.0.0.1:" + newPrimary + "/shop", "postgres", superPassword);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id FROM bench_writes")) {
      while (r.next()) {
        present.add(r.getLong(1));
      }
    }
    Set<Long> lost = new TreeSet<>(writer.committed);
    lost.removeAll(present);
    return lost;
  }

  private static void result(
      String outcome, long rtoMillis, int lost, Writer writer, long killedAtEpoch, String note) {
    String error = writer.lastError == null ? "" : writer.lastError.replaceAll("\\s+", " ");
    System.out.printf(
        Locale.ROOT,
        "RESULT\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s%n",
        outcome,
        rtoMillis < 0 ? "-" : Long.toString(rtoMillis),
        lost,
        writer.committed.size(),
        writer.failures.get(),
        writer.warned.get(),
        writer.elsewhere.get(),
        killedAtEpoch == 0 ? "-" : Long.toString(killedAtEpoch),
        note.isEmpty() ? "last error: " + error : note + "; last error: " + error);
    System.out.flush();
  }

  /** Inserts through PgBouncer; on any error reconnects through the same URL after 100 ms. */
  static final class Writer implements Runnable {
    final Set<Long> committed = new ConcurrentSkipListSet<>();
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicInteger warned = new AtomicInteger();
    final AtomicInteger elsewhere = new AtomicInteger();
    final AtomicLong killedAt = new AtomicLong();
    final AtomicLong firstCommitAfterKill = new AtomicLong();
    private final String url;
    private final String password;
    private final int newPrimary;
    volatile String lastError;

    Writer(String url, String password, int newPrimary) {
      this.url = url;
      this.password = password;
      this.newPrimary = newPrimary;
    }

    @Override
    public void run() {
      long id = 0;
      Connection c = null;
      while (!stop.get()) {
        long startedAt = System.nanoTime();
        try {
          if (c == null) {
            c = connect(url, "shop", password);
          }
          int port;
          // The server's own port proves which node took the row.
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO bench_writes (id) VALUES (?) RETURNING inet_server_port()")) {
            s.setLong(1, ++id);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              port = r.getInt(1);
            }
            // With synchronous replication a commit whose wait for the standby was cancelled is
            // reported with a warning only: counted, since the client was told it committed.
            if (s.getWarnings() != null || c.getWarnings() != null) {
              warned.incrementAndGet();
              c.clearWarnings();
            }
          }
          long doneAt = System.nanoTime();
          committed.add(id);
          long kill = killedAt.get();
          // The new primary was a standby until it was promoted after the kill, so a row it took
          // was committed after the kill, even when PgBouncer held the statement from before it.
          if (kill != 0 && port == newPrimary) {
            firstCommitAfterKill.compareAndSet(0, doneAt);
          } else if (kill != 0 && startedAt > kill) {
            // Begun after the kill yet taken by another server: a second writable primary.
            elsewhere.incrementAndGet();
          }
          pause(PACE_MILLIS);
        } catch (SQLException e) {
          failures.incrementAndGet();
          lastError = e.getMessage();
          close(c);
          c = null;
          pause(RETRY_MILLIS);
        }
      }
      close(c);
    }
  }

  static Connection connect(String url, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    props.setProperty("password", password);
    // PgBouncer pools by transaction: no server-side prepared statements.
    props.setProperty("prepareThreshold", "0");
    props.setProperty("connectTimeout", "2");
    // A statement held longer than this (a dead server, a paused pool) is given up and retried.
    props.setProperty("socketTimeout", "5");
    props.setProperty("ApplicationName", "lifeboat-bench-failover");
    return DriverManager.getConnection(url, props);
  }

  private static void close(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // The connection is gone either way.
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      System.err.println(
          "usage: FailoverBench --bouncer PORT --new-primary PORT --postmaster-pid FILE"
              + " --secrets DIR [--timeout SECONDS]");
      System.exit(2);
    }
    return value;
  }

  private static void log(String format, Object... args) {
    System.err.printf(Locale.ROOT, "[failover-bench] " + format + "%n", args);
  }
}
