package dev.lifeboat.activities.archive;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.codec.keys.WrappedKey;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.activities.postgres.PgTools;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.config.BackupSettings;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.activities.WalArchiverActivities;
import dev.lifeboat.workflows.archive.WalArchiverWorkflow;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.WalArchiveProgress;
import dev.lifeboat.workflows.model.WalArchiveTask;
import dev.lifeboat.workflows.model.WalDestinationHealth;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous WAL archiving with {@code pg_receivewal}: the spool of a cluster lives at {@code
 * <spool root>/<cluster>/<slot>/} on the worker ({@code LIFEBOAT_WAL_SPOOL}, default {@code
 * /var/tmp/lifeboat-wal-spool}); {@code wal/} receives the segments, the pid, log and lock files
 * sit beside it. A closed segment stays in the spool until every destination has it: that is each
 * destination's backlog.
 */
public final class WalArchiverActivitiesImpl implements WalArchiverActivities {

  private static final Logger log = LoggerFactory.getLogger(WalArchiverActivitiesImpl.class);

  /** The environment variable that moves the spool. */
  public static final String SPOOL_ENV = "LIFEBOAT_WAL_SPOOL";

  /** The spool root when {@link #SPOOL_ENV} is not set: local disk that survives a reboot. */
  public static final Path DEFAULT_SPOOL = Path.of("/var/tmp/lifeboat-wal-spool");

  private static final String TOOL_VERSION =
      "lifeboat "
          + Optional.ofNullable(
                  WalArchiverActivitiesImpl.class.getPackage().getImplementationVersion())
              .orElse("development");

  private static final Duration LOOP = Duration.ofSeconds(1);
  private static final Duration MEASURE_EVERY = Duration.ofSeconds(5);
  private static final Duration SIGNAL_EVERY = Duration.ofSeconds(5);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(2);
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final LifeboatConfig config;
  private final SecretResolver secrets;
  private final PgConnections connections;
  private final Clock clock;
  private final Path spoolRoot;

  public WalArchiverActivitiesImpl(
      LifeboatConfig config,
      SecretResolver secrets,
      PgConnections connections,
      Clock clock,
      Path spoolRoot) {
    this.config = config;
    this.secrets = secrets;
    this.connections = connections;
    this.clock = clock;
    this.spoolRoot = spoolRoot;
  }

  /** The spool root from the environment: {@link #SPOOL_ENV}, else {@link #DEFAULT_SPOOL}. */
  public static Path spoolRoot(java.util.Map<String, String> environment) {
    String configured = environment.get(SPOOL_ENV);
    return configured == null || configured.isBlank() ? DEFAULT_SPOOL : Path.of(configured);
  }

  @Override
  public WalArchiveProgress archive(WalArchiveTask task) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    Optional<WalArchiveProgress> resumed = context.getHeartbeatDetails(WalArchiveProgress.class);
    BackupSettings backup = config.requireBackup();
    List<DestinationSettings> destinations = new ArrayList<>();
    for (String name : task.destinations()) {
      destinations.add(destination(name));
    }
    Path program;
    try {
      program = PgTools.find("pg_receivewal");
    } catch (IllegalStateException e) {
      throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), ErrorTypes.WAL_TOOL_MISSING);
    }
    NodeSpec source = task.source();
    String password =
        source.passwordSecret() == null
            ? null
            : secrets.resolve(
                source.passwordSecret(), "node " + source.name() + " of cluster " + task.cluster());
    Path state = spoolRoot.resolve(task.cluster()).resolve(task.slot());
    Path spool = state.resolve("wal");
    Run run = null;
    try {
      Files.createDirectories(spool);
      try (FileChannel lockFile =
              FileChannel.open(
                  state.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = awaitLock(context, lockFile, state, resumed.orElse(null))) {
        run = new Run(task, context, resumed.orElse(null), spool);
        return run.archive(program, state, password, backup);
      }
    } catch (IOException | SQLException e) {
      throw ApplicationFailure.newFailure(
          "WAL archiving of "
              + task.cluster()
              + " from "
              + source.name()
              + " through slot "
              + task.slot()
              + " (spool "
              + spool
              + ") failed: "
              + e.getMessage()
              + "; retrying",
          ErrorTypes.WAL_ARCHIVE_FAILED);
    } finally {
      if (run != null) {
        run.closeStores();
      }
    }
  }

  @Override
  public void dropSlot(NodeSpec source, String cluster, String slot) {
    try (Connection pg = connections.open(source, cluster, "wal-archiver");
        PreparedStatement drop =
            pg.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      drop.setString(1, slot);
      drop.execute();
      log.info("dropped replication slot {} of {} on {}", slot, cluster, source.name());
    } catch (SQLException e) {
      throw ApplicationFailure.newFailure(
          "cannot drop replication slot "
              + slot
              + " on "
              + source.name()
              + " of "
              + cluster
              + ": "
              + e.getMessage()
              + "; if it is active, stop the archiver first",
          ErrorTypes.WAL_ARCHIVE_FAILED);
    }
  }

  /** One spool is used by one run at a time; a second run on this worker waits, heartbeating. */
  private static FileLock awaitLock(
      ActivityExecutionContext context, FileChannel file, Path state, WalArchiveProgress resumed)
      throws IOException {
    while (true) {
      FileLock lock = file.tryLock();
      if (lock != null) {
        return lock;
      }
      context.heartbeat(resumed);
      log.info("waiting for another archiver run to release the spool {}", state);
      sleep(Duration.ofSeconds(2));
    }
  }

  private DestinationSettings destination(String name) {
    return DestinationStores.configured(config, name);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while archiving WAL", e);
    }
  }

  /** One destination's state within a run. */
  private final class Destination {
    final DestinationSettings settings;
    BackupStore store;
    boolean keyStored;
    final Set<String> has = new HashSet<>();
    String lastSegment;
    Instant lastSuccess;
    String lastError;
    Instant lastErrorAt;
    Instant retryAt = Instant.MIN;
    Duration backoff = FIRST_BACKOFF;
    int backlog;

    Destination(DestinationSettings settings, WalDestinationHealth resumed) {
      this.settings = settings;
      if (resumed != null) {
        lastSegment = resumed.lastSegment();
        lastSuccess = resumed.lastSuccess();
        lastError = resumed.lastError();
        lastErrorAt = resumed.lastErrorAt();
      }
    }

    BackupStore store() throws IOException {
      if (store == null) {
        store = DestinationStores.open(settings, secrets);
      }
      return store;
    }

    void succeeded(String name, Instant now) {
      has.add(name);
      if (WalSegments.isSegment(name)) {
        lastSegment = name;
      }
      lastSuccess = now;
      lastError = null;
      lastErrorAt = null;
      backoff = FIRST_BACKOFF;
    }

    void failed(String name, Exception e, Instant now) {
      lastError = "cannot store " + name + ": " + e.getMessage();
      lastErrorAt = now;
      retryAt = now.plus(backoff);
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
      log.warn(
          "WAL archive destination {} failed ({}); retrying it in {} s while the others go on",
          settings.name(),
          lastError,
          Duration.between(now, retryAt).toSeconds());
    }

    WalDestinationHealth health() {
      return new WalDestinationHealth(
          settings.name(), lastSegment, lastSuccess, lastError, lastErrorAt, backlog);
    }

    void close() {
      if (store != null) {
        store.close();
        store = null;
      }
    }
  }

  /** One activity run: its destinations, data key, receiver and counters. */
  private final class Run {
    final WalArchiveTask task;
    final ActivityExecutionContext context;
    final Path spool;
    final List<Destination> destinations = new ArrayList<>();
    final Instant started = clock.instant();
    String lastSegment;
    String lastLsn;
    Instant lastSegmentClosedAt;
    Instant lastArchivedAt;
    String completeThrough;
    long segmentsArchived;
    String primaryLsn;
    long lagBytes;
    double lagSeconds;
    Instant measuredAt;
    String warning;
    long segmentSize;
    String slotRestartLsn;
    boolean slotCreated;
    long systemId;
    long serverLsn;
    WalArchive.Codec codec;
    WrappedKey wrappedKey;
    Connection pg;

    Run(
        WalArchiveTask task,
        ActivityExecutionContext context,
        WalArchiveProgress resumed,
        Path spool)
        throws IOException {
      this.task = task;
      this.context = context;
      this.spool = spool;
      completeThrough = task.completeThrough();
      if (resumed != null) {
        lastSegment = resumed.lastSegment();
        lastLsn = resumed.lastLsn();
        lastSegmentClosedAt = resumed.lastSegmentClosedAt();
        lastArchivedAt = resumed.lastArchivedAt();
        segmentsArchived = resumed.segmentsArchived();
        if (resumed.completeThrough() != null
            && (completeThrough == null
                || resumed.completeThrough().compareTo(completeThrough) > 0)) {
          completeThrough = resumed.completeThrough();
        }
      }
      for (String name : task.destinations()) {
        WalDestinationHealth previous =
            resumed == null
                ? null
                : resumed.destinations().stream()
                    .filter(h -> h.destination().equals(name))
                    .findFirst()
                    .orElse(null);
        destinations.add(new Destination(destination(name), previous));
      }
    }

    WalArchiveProgress archive(Path program, Path state, String password, BackupSettings backup)
        throws IOException, SQLException {
      pg = connections.open(task.source(), task.cluster(), "wal-archiver");
      segmentSize = segmentSize();
      ensureSlot();
      readServer();
      setAsideUnusableSpool();
      codec = newCodec(backup);
      seedResumePoint();
      Instant deadline = started.plusSeconds(task.sliceSeconds());
      long archivedAtStart = segmentsArchived;
      Instant lastMeasure = Instant.MIN;
      Instant lastSignal = Instant.MIN;
      String signalled = null;
      WalReceiver receiver = null;
      boolean cancelled = false;
      try {
        while (clock.instant().isBefore(deadline)
            && segmentsArchived - archivedAtStart < task.maxSegments()) {
          int backlog = shipClosed();
          if (backlog >= task.maxBacklogSegments()) {
            if (receiver != null) {
              receiver.close();
              receiver = null;
            }
            warning =
                backlog
                    + " closed segments wait in the spool "
                    + spool
                    + " (bound "
                    + task.maxBacklogSegments()
                    + "): receiving is paused so no destination gets a gap, and the slot "
                    + task.slot()
                    + " keeps WAL on the primary meanwhile; fix or remove the failing destination";
            log.warn(warning);
          } else {
            warning = null;
            if (receiver == null || !receiver.alive()) {
              if (receiver != null) {
                checkLog(receiver);
                warning =
                    "pg_receivewal exited with "
                        + receiver.exitCode()
                        + " (see "
                        + state.resolve(WalReceiver.LOG_FILE)
                        + "); restarting it";
                log.warn(warning);
              }
              dropTornPartials();
              receiver =
                  WalReceiver.start(program, spool, state, task.source(), task.slot(), password);
            }
            checkLog(receiver);
          }
          Instant now = clock.instant();
          if (Duration.between(lastMeasure, now).compareTo(MEASURE_EVERY) >= 0) {
            measureLag();
            lastMeasure = now;
          }
          try {
            context.heartbeat(progress());
          } catch (ActivityCompletionException e) {
            // Cancelled (stop), or this attempt timed out and another took over: stop now.
            cancelled = true;
            log.info("WAL archiving of {} ends: {}", task.cluster(), e.getClass().getSimpleName());
            break;
          }
          if (Duration.between(lastSignal, now).compareTo(SIGNAL_EVERY) >= 0
              || (lastSegment != null && !lastSegment.equals(signalled))) {
            signal();
            lastSignal = now;
            signalled = lastSegment;
          }
          sleep(LOOP);
        }
      } finally {
        if (receiver != null) {
          receiver.close();
        }
      }
      // What pg_receivewal closed before it stopped still goes out in this run.
      shipClosed();
      measureLag();
      WalArchiveProgress result = progress();
      if (!cancelled) {
        try {
          context.heartbeat(result);
        } catch (ActivityCompletionException ignored) {
          // The result is returned anyway.
        }
      }
      signal();
      pg.close();
      return result;
    }

    long segmentSize() throws SQLException {
      try (Statement sql = pg.createStatement();
          ResultSet row =
              sql.executeQuery(
                  "SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'")) {
        row.next();
        return row.getLong(1);
      }
    }

    /** Reads which database system the source is and how far its WAL has got. */
    void readServer() throws SQLException {
      try (Statement sql = pg.createStatement();
          ResultSet row =
              sql.executeQuery(
                  "SELECT system_identifier::text, (CASE WHEN pg_is_in_recovery()"
                      + " THEN coalesce(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())"
                      + " ELSE pg_current_wal_lsn() END)::text FROM pg_control_system()")) {
        row.next();
        systemId = Long.parseUnsignedLong(row.getString(1));
        serverLsn = Lsn.parse(row.getString(2));
      }
    }

    /**
     * Moves the spool's WAL aside when pg_receivewal cannot resume from it, which it would try on
     * every start and fail: WAL written by another database system (the cluster was re-created
     * under the same name); WAL from past everything the server has written (it was restored to an
     * earlier point); or a resume point behind the slot's that the server has removed (the archiver
     * was stopped and its slot dropped, then started again later), which leaves the archive with a
     * gap up to the slot. The files are kept beside the spool for the operator: closed segments
     * there were never shipped.
     */
    void setAsideUnusableSpool() throws IOException {
      String why = null;
      boolean gap = false;
      Path newest = null;
      try (Stream<Path> files = Files.list(spool)) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString().replace(".partial", "");
          if (!WalSegments.isSegment(name)) {
            continue;
          }
          OptionalLong writer = WalPageHeader.systemIdentifier(file);
          if (writer.isPresent() && writer.getAsLong() != systemId) {
            why =
                file.getFileName()
                    + " was written by database system "
                    + Long.toUnsignedString(writer.getAsLong())
                    + ", and "
                    + task.source().name()
                    + " is "
                    + Long.toUnsignedString(systemId);
            break;
          }
          long start = WalSegments.startLsn(name, segmentSize);
          if (Long.compareUnsigned(start, serverLsn) > 0) {
            why =
                file.getFileName()
                    + " starts at "
                    + Lsn.format(start)
                    + ", past "
                    + task.source().name()
                    + "'s WAL position "
                    + Lsn.format(serverLsn);
            break;
          }
          if (newest == null
              || Long.compareUnsigned(start, WalSegments.startLsn(segmentOf(newest), segmentSize))
                  > 0) {
            newest = file;
          }
        }
      }
      if (why == null && newest != null && slotRestartLsn != null) {
        // pg_receivewal resumes in a .partial segment, or after the newest closed one. A slot this
        // spool was fed from never moves past what it received, so a resume point behind the
        // slot's means the slot was made after the spool's WAL: nothing kept what lies between.
        String segment = segmentOf(newest);
        long resume =
            newest.getFileName().toString().endsWith(".partial")
                ? WalSegments.startLsn(segment, segmentSize)
                : WalSegments.endLsn(segment, segmentSize);
        if (Long.compareUnsigned(resume, Lsn.parse(slotRestartLsn)) < 0
            && !serverHoldsSegmentAt(resume)) {
          gap = true;
          why =
              "pg_receivewal would resume at "
                  + Lsn.format(resume)
                  + " after "
                  + newest.getFileName()
                  + ", and "
                  + task.source().name()
                  + " has removed that WAL, which slot "
                  + task.slot()
                  + " (from "
                  + slotRestartLsn
                  + ") never kept";
        }
      }
      if (why == null) {
        return;
      }
      Path aside =
          spool.resolveSibling(
              spool.getFileName()
                  + (gap ? ".behind-" : ".foreign-")
                  + KEY_TIME.format(clock.instant()));
      Files.move(spool, aside);
      Files.createDirectories(spool);
      if (gap) {
        // completeThrough is still this cluster's archive; seedResumePoint reports the gap after
        // it and leaves pg_receivewal to start at the slot.
        log.warn(
            "the WAL spool of {} cannot be resumed ({}). Moved it to {}; archiving starts at the"
                + " slot's position {}, and the archive has a gap before it: take a full backup,"
                + " point-in-time restores cannot cross the gap",
            task.cluster(),
            why,
            aside,
            slotRestartLsn);
        return;
      }
      // What the workflow carried over belongs to the other cluster too.
      completeThrough = null;
      log.warn(
          "the WAL spool of {} is not {}'s ({}): the cluster was re-created or restored to an"
              + " earlier point. Moved it to {}; archiving starts at the slot's position {}",
          task.cluster(),
          task.source().name(),
          why,
          aside,
          slotRestartLsn);
    }

    private static String segmentOf(Path file) {
      return file.getFileName().toString().replace(".partial", "");
    }

    /**
     * Whether the primary's pg_wal holds the segment containing {@code lsn}, on any timeline; true
     * when it cannot tell.
     */
    boolean serverHoldsSegmentAt(long lsn) {
      // A segment's name is its timeline (8 hex digits) and its number (16).
      return serverListsWal(
          "length(name) = 24 AND right(name, 16) = ?",
          WalSegments.containing(1, lsn, segmentSize).substring(8));
    }

    /** Creates the physical slot, reserving WAL at once, unless it exists. */
    void ensureSlot() throws SQLException {
      try (PreparedStatement find =
          pg.prepareStatement(
              "SELECT slot_type, restart_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
        find.setString(1, task.slot());
        try (ResultSet row = find.executeQuery()) {
          if (row.next()) {
            if (!"physical".equals(row.getString(1))) {
              throw ApplicationFailure.newNonRetryableFailure(
                  "replication slot "
                      + task.slot()
                      + " on "
                      + task.source().name()
                      + " is a "
                      + row.getString(1)
                      + " slot; the archiver needs a physical one: choose another slot name",
                  ErrorTypes.INVALID_REQUEST);
            }
            slotRestartLsn = row.getString(2);
            return;
          }
        }
      }
      try (PreparedStatement create =
          pg.prepareStatement(
              "SELECT lsn::text FROM pg_create_physical_replication_slot(?, true)")) {
        create.setString(1, task.slot());
        try (ResultSet row = create.executeQuery()) {
          row.next();
          slotRestartLsn = row.getString(1);
        }
      }
      slotCreated = true;
      log.info(
          "created replication slot {} on {} at {}",
          task.slot(),
          task.source().name(),
          slotRestartLsn);
    }

    /**
     * One data key per activity run ({@code wal-<UTC time>-<random>}), wrapped by the KEK and
     * stored in each destination before the first segment that uses it.
     */
    WalArchive.Codec newCodec(BackupSettings backup) throws IOException {
      CompressionSpec compression =
          new CompressionSpec(backup.compression(), backup.compressionLevel());
      if (!backup.encryption()) {
        return new WalArchive.Codec(compression, null, null, TOOL_VERSION);
      }
      KeyProvider kek = KeyProviders.open(backup.keys(), secrets);
      byte[] random = new byte[4];
      new SecureRandom().nextBytes(random);
      String keyId =
          "wal-" + KEY_TIME.format(clock.instant()) + "-" + HexFormat.of().formatHex(random);
      DataKey key = DataKey.generate();
      byte[] material = key.toBytes();
      try {
        wrappedKey = kek.wrap(material, BackupLayout.keyContext(task.cluster(), keyId));
      } finally {
        Arrays.fill(material, (byte) 0);
      }
      return new WalArchive.Codec(compression, key, keyId, TOOL_VERSION);
    }

    /** Whether the primary's pg_wal still holds a segment; true when it cannot tell. */
    boolean serverStillHas(String segment) {
      return serverListsWal("name = ?", segment);
    }

    /**
     * Whether the primary's pg_wal lists a file matching {@code condition} on {@code value}; true
     * when it cannot tell: without the right to list pg_wal, pg_receivewal is left to try and say.
     */
    private boolean serverListsWal(String condition, String value) {
      try (PreparedStatement find =
          pg.prepareStatement("SELECT count(*) FROM pg_ls_waldir() WHERE " + condition)) {
        find.setString(1, value);
        try (ResultSet row = find.executeQuery()) {
          row.next();
          return row.getLong(1) > 0;
        }
      } catch (SQLException e) {
        return true;
      }
    }

    /**
     * With an empty spool, pg_receivewal would start at the slot's position; when the workflow
     * knows that archiving is complete through an older segment (a run on another worker received
     * more than it shipped), an empty {@code .partial} of the next segment makes it start there
     * instead.
     */
    void seedResumePoint() throws IOException {
      if (completeThrough == null || !WalSegments.isSegment(completeThrough)) {
        return;
      }
      String next = WalSegments.next(completeThrough, segmentSize);
      if (Long.compareUnsigned(WalSegments.startLsn(next, segmentSize), serverLsn) > 0) {
        // The archive went further than this server has written: the cluster was re-created or
        // restored to an earlier point. Asking for that WAL would fail on every start.
        log.warn(
            "the WAL archive of {} is complete through {}, past {}'s WAL position {}: the cluster"
                + " was re-created or restored to an earlier point; archiving starts at the slot's"
                + " position {}",
            task.cluster(),
            completeThrough,
            task.source().name(),
            Lsn.format(serverLsn),
            slotRestartLsn);
        return;
      }
      if (slotCreated
          && slotRestartLsn != null
          && WalSegments.endLsn(next, segmentSize) <= Lsn.parse(slotRestartLsn)
          && !serverStillHas(next)) {
        // The archiver was stopped and its slot dropped; the WAL written meanwhile is gone from
        // the server, so asking for it would fail on every restart. The archive keeps a gap after
        // completeThrough: a point-in-time restore cannot cross it (the restore planner checks
        // continuity), and backups taken from now on are whole again.
        log.warn(
            "the WAL archive of {} has a gap after segment {}: the WAL up to {} was never archived"
                + " (the archiver was not running) and is no longer on {}; archiving resumes at"
                + " {}. Take a full backup: point-in-time restores cannot cross the gap",
            task.cluster(),
            completeThrough,
            slotRestartLsn,
            task.source().name(),
            slotRestartLsn);
        return;
      }
      try (Stream<Path> files = Files.list(spool)) {
        boolean hasWal =
            files
                .map(p -> p.getFileName().toString().replace(".partial", ""))
                .anyMatch(WalSegments::isSegment);
        if (!hasWal) {
          Files.createFile(spool.resolve(next + ".partial"));
          log.info("WAL archiving of {} resumes at segment {}", task.cluster(), next);
        }
      }
    }

    /**
     * Ships every closed file in the spool, oldest first, to every destination that lacks it and is
     * not backing off; deletes a file once every destination has it.
     *
     * @return closed files still in the spool (the largest backlog)
     */
    int shipClosed() throws IOException {
      List<Path> closed;
      try (Stream<Path> files = Files.list(spool)) {
        closed =
            files
                .filter(
                    p ->
                        WalSegments.isSegment(p.getFileName().toString())
                            || WalSegments.isHistory(p.getFileName().toString()))
                .sorted()
                .toList();
      }
      for (Destination d : destinations) {
        d.backlog = 0;
      }
      int left = 0;
      for (Path file : closed) {
        String name = file.getFileName().toString();
        boolean everywhere = true;
        boolean anywhere = false;
        for (Destination d : destinations) {
          if (!d.has.contains(name) && !clock.instant().isBefore(d.retryAt)) {
            ship(d, file, name);
          }
          if (d.has.contains(name)) {
            anywhere = true;
          } else {
            everywhere = false;
            d.backlog++;
          }
        }
        boolean segment = WalSegments.isSegment(name);
        if (anywhere && segment && (lastSegment == null || name.compareTo(lastSegment) > 0)) {
          lastSegment = name;
          lastLsn = Lsn.format(WalSegments.endLsn(name, segmentSize));
          lastSegmentClosedAt = Files.getLastModifiedTime(file).toInstant();
          lastArchivedAt = clock.instant();
          segmentsArchived++;
        }
        if (everywhere) {
          Files.delete(file);
          for (Destination d : destinations) {
            d.has.remove(name);
          }
          if (segment && (completeThrough == null || name.compareTo(completeThrough) > 0)) {
            completeThrough = name;
          }
        } else {
          left++;
        }
      }
      return left;
    }

    void ship(Destination d, Path file, String name) {
      try {
        BackupStore store = d.store();
        Optional<WalSeal> held = WalArchive.archived(store, task.cluster(), name);
        if (held.isPresent()) {
          requireSameSystem(held.get(), store);
        } else {
          if (codec.dataKey() != null && !d.keyStored) {
            DataKeyStore.save(store, task.cluster(), codec.dataKeyId(), wrappedKey);
            d.keyStored = true;
          }
          try (InputStream in = Files.newInputStream(file)) {
            WalArchive.write(
                store,
                task.cluster(),
                name,
                in,
                segmentSize,
                codec,
                clock.instant(),
                ProgressListener.NONE);
          }
        }
        d.succeeded(name, clock.instant());
      } catch (IOException | RuntimeException e) {
        if (e instanceof ApplicationFailure app && app.isNonRetryable()) {
          throw app;
        }
        d.failed(name, e, clock.instant());
      }
    }

    /**
     * A segment a destination already holds is taken as shipped (a run that died after storing it)
     * only when its seal does not name another database system: a cluster re-created under the same
     * name writes segments of the same names, and skipping them would leave the other cluster's WAL
     * where a restore of this one looks for its own. Seals written before the system was recorded
     * cannot tell, and are trusted as before.
     */
    void requireSameSystem(WalSeal held, BackupStore store) throws IOException {
      String ours = Long.toUnsignedString(systemId);
      if (!held.writtenBy(ours)) {
        throw new IOException(
            "it already holds WAL segment "
                + held.name()
                + " of database system "
                + held.systemIdentifier()
                + ", and "
                + task.source().name()
                + " is "
                + ours
                + ": the cluster was re-created under the same name. Move the old archive ("
                + WalArchive.prefix(task.cluster())
                + " in "
                + store.url()
                + ") away, or archive the new cluster under another name");
      }
    }

    /**
     * A {@code .partial} segment that is neither empty nor padded to the segment size was torn by a
     * kill while pg_receivewal created it; pg_receivewal refuses to resume from it. Its WAL was
     * never reported as flushed, so the slot still holds it on the server: deleting it loses
     * nothing.
     */
    void dropTornPartials() throws IOException {
      try (Stream<Path> files = Files.list(spool)) {
        for (Path partial :
            files.filter(p -> p.getFileName().toString().endsWith(".partial")).toList()) {
          long size = Files.size(partial);
          if (size != 0 && size != segmentSize) {
            log.warn("deleting torn {} ({} bytes) from the spool", partial.getFileName(), size);
            Files.delete(partial);
          }
        }
      }
    }

    /** Fails the run for good when pg_receivewal says the WAL it needs is gone. */
    void checkLog(WalReceiver receiver) throws IOException {
      for (String line : receiver.newLogLines()) {
        if (line.contains("has already been removed")) {
          throw ApplicationFailure.newNonRetryableFailure(
              "the WAL archive of "
                  + task.cluster()
                  + " has a gap: "
                  + line.strip()
                  + "; take a new full backup (lifeboat backup full) to have a restorable start"
                  + " again, then restart the archiver",
              ErrorTypes.WAL_GAP);
        }
        if (line.contains("error") || line.contains("FATAL")) {
          log.warn("pg_receivewal: {}", line.strip());
        }
      }
    }

    /**
     * The archive RPO: bytes the primary wrote beyond the last archived segment, and the time since
     * that segment closed while the primary is beyond it.
     */
    void measureLag() {
      try {
        if (pg == null || pg.isClosed() || !pg.isValid(2)) {
          pg = connections.open(task.source(), task.cluster(), "wal-archiver");
        }
        try (Statement sql = pg.createStatement();
            ResultSet row = sql.executeQuery("SELECT pg_current_wal_lsn()::text")) {
          row.next();
          primaryLsn = row.getString(1);
        }
        Instant now = clock.instant();
        long current = Lsn.parse(primaryLsn);
        long archived =
            lastLsn != null
                ? Lsn.parse(lastLsn)
                : slotRestartLsn != null
                    ? Lsn.parse(slotRestartLsn) / segmentSize * segmentSize
                    : current;
        lagBytes = Math.max(0, current - archived);
        Instant since = lastSegmentClosedAt != null ? lastSegmentClosedAt : started;
        lagSeconds =
            lagBytes == 0 ? 0 : Math.max(0, Duration.between(since, now).toMillis() / 1000.0);
        measuredAt = now;
      } catch (SQLException | RuntimeException e) {
        log.warn("cannot measure the archive lag of {}: {}", task.cluster(), e.getMessage());
      }
    }

    WalArchiveProgress progress() {
      return new WalArchiveProgress(
          task.source().name(),
          lastSegment,
          lastLsn,
          lastSegmentClosedAt,
          lastArchivedAt,
          completeThrough,
          segmentsArchived,
          primaryLsn,
          lagBytes,
          lagSeconds,
          measuredAt,
          destinations.stream().map(Destination::health).toList(),
          codec == null ? null : codec.dataKeyId(),
          warning);
    }

    /** Tells the workflow, so its status query is fresh; the workflow may be gone: no matter. */
    void signal() {
      try {
        context
            .getWorkflowClient()
            .newUntypedWorkflowStub(context.getInfo().getWorkflowId())
            .signal(WalArchiverWorkflow.PROGRESS_SIGNAL, progress());
      } catch (RuntimeException e) {
        log.debug(
            "cannot signal progress to {}: {}", context.getInfo().getWorkflowId(), e.getMessage());
      }
    }

    void closeStores() {
      for (Destination d : destinations) {
        d.close();
      }
      try {
        if (pg != null) {
          pg.close();
        }
      } catch (SQLException ignored) {
        // Closing only.
      }
    }
  }
}
