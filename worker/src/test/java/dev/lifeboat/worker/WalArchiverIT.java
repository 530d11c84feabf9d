package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.archive.WalArchive;
import dev.lifeboat.activities.archive.WalSeal;
import dev.lifeboat.activities.archive.WalSegments;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.archive.WalArchiverWorkflow;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalArchiverRequest;
import dev.lifeboat.workflows.model.WalDestinationHealth;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous WAL archiving of the local stack's cluster {@code shop} with a real {@code
 * pg_receivewal}, into the four configured destinations (their own bucket {@code lifeboat-it-wal}),
 * across a worker killed with SIGKILL: afterwards every segment from the first archived to the
 * newest is in every destination and verifies.
 */
class WalArchiverIT {

  private static final String SLOT = "lifeboat_archiver_shop_it";
  private static final long SEGMENT = WalSegments.DEFAULT_SEGMENT_SIZE;

  private static final Path OUTPUT = RealStack.ROOT.resolve("worker/target/wal-archiver-it");

  @TempDir Path dir;
  private Map<String, String> env;
  private LifeboatConfig config;
  private WorkflowServiceStubs service;
  private WorkflowClient client;
  private NodeSpec primary;

  @BeforeEach
  void connect() throws Exception {
    if (Files.exists(OUTPUT)) {
      try (Stream<Path> old = Files.walk(OUTPUT)) {
        old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(OUTPUT);
    env = new HashMap<>(System.getenv());
    env.put("LIFEBOAT_KEY_FILE", dir.resolve("kek.json").toString());
    env.put("LIFEBOAT_NAS_DIR", dir.resolve("nas").toString());
    // The spool and the workers' logs stay in target/ after a run, for a post-mortem.
    env.put("LIFEBOAT_WAL_SPOOL", OUTPUT.resolve("spool").toString());
    // Its own buckets: no other test or the demo sees these WAL objects.
    env.put("BACKUP_BUCKET", "lifeboat-it-wal");
    config = new ConfigLoader(env).load(RealStack.ROOT.resolve("lifeboat.yaml"));
    primary = config.cluster("shop").orElseThrow().nodes().get(0);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporal().namespace()).build());
  }

  @AfterEach
  void disconnect() throws Exception {
    try {
      dropSlot();
    } finally {
      service.shutdown();
    }
  }

  @Test
  void aWorkerKilledWhileArchivingLeavesNoGapAndTheLagIsReported() throws Exception {
    String workflowId = "wal-archiver-shop-it-" + UUID.randomUUID();
    WorkerProcess first = WorkerProcess.start(env, OUTPUT);
    WorkerProcess second = null;
    try {
      WalArchiverWorkflow running = startArchiver(workflowId);
      String firstSwitch = writeAndSwitch(200);
      WalArchiveStatus before =
          awaitStatus(running, s -> s.lastSegment() != null, Duration.ofMinutes(3));
      String firstArchived = before.lastSegment();
      assertThat(firstArchived).isLessThanOrEqualTo(segmentBefore(firstSwitch));

      // Unarchived writes show as lag; archiving them makes it drop.
      writeRows(2000);
      WalArchiveStatus lagging =
          awaitStatus(running, s -> s.lagBytes() > 100_000, Duration.ofSeconds(60));
      assertThat(lagging.primaryLsn()).isNotNull();
      assertThat(lagging.lagSeconds()).isGreaterThan(0);
      String switched = switchWal();
      WalArchiveStatus caughtUp =
          awaitStatus(
              running,
              s ->
                  s.lastSegment() != null
                      && s.lastSegment().compareTo(segmentBefore(switched)) >= 0
                      && s.lagMeasuredAt() != null
                      && s.lagMeasuredAt().isAfter(s.lastArchivedAt()),
              Duration.ofMinutes(2));
      assertThat(caughtUp.lagBytes()).isLessThan(lagging.lagBytes());

      // SIGKILL the worker mid-stream, keep writing while it is gone, then start another one.
      writeRows(500);
      first.kill();
      for (int i = 0; i < 3; i++) {
        writeAndSwitch(300);
      }
      second = WorkerProcess.start(env, OUTPUT);
      String last = writeAndSwitch(300);
      String newest = segmentBefore(last);
      awaitStatus(
          running,
          s -> s.completeThrough() != null && s.completeThrough().compareTo(newest) >= 0,
          Duration.ofMinutes(4));

      assertThat(archiveAttempts(workflowId))
          .as("the archiving activity was restarted after the kill")
          .isGreaterThanOrEqualTo(2);
      SecretResolver secrets = new SecretResolver(config.secretsDir(), env);
      KeyProvider kek = KeyProviders.open(config.requireBackup().keys(), secrets);
      for (DestinationSettings destination : config.requireBackup().destinations()) {
        try (BackupStore store = DestinationStores.open(destination, secrets)) {
          assertThat(
                  WalArchive.missing(
                      store,
                      "shop",
                      WalSegments.timeline(firstArchived),
                      WalSegments.startLsn(firstArchived, SEGMENT),
                      WalSegments.endLsn(newest, SEGMENT),
                      SEGMENT))
              .as(
                  "segments missing in %s between %s and %s",
                  destination.name(), firstArchived, newest)
              .isEmpty();
          List<String> range = new ArrayList<>();
          for (String segment : WalArchive.segments(store, "shop")) {
            if (segment.compareTo(firstArchived) >= 0 && segment.compareTo(newest) <= 0) {
              range.add(segment);
            }
          }
          assertThat(range.size()).isGreaterThanOrEqualTo(6);
          for (String segment : range) {
            WalSeal seal = WalArchive.verify(store, "shop", segment, kek);
            assertThat(seal.rawSize()).isEqualTo(SEGMENT);
            assertThat(seal.encrypted()).isTrue();
          }
        }
      }

      WalArchiveStatus stopped = running.stop(true);
      assertThat(stopped.phase()).isEqualTo("stopped");
      assertThat(stopped.destinations())
          .extracting(WalDestinationHealth::destination)
          .containsExactly("s3", "gcs", "azure", "nas");
      assertThat(slotExists()).as("stop(true) dropped the slot").isFalse();
      WorkflowStub.fromTyped(running).getResult(1, TimeUnit.MINUTES, Void.class);
    } finally {
      first.kill();
      if (second != null) {
        second.close();
      }
      terminate(workflowId);
    }
  }

  @Test
  void aSpoolLeftByAnotherClusterOfTheSameNameIsSetAsideAndArchivingStarts() throws Exception {
    // What a re-created cluster finds: a segment pg_receivewal had begun, written by another
    // database system, and further along than this server has written. pg_receivewal would resume
    // after it and ask the server for WAL it never wrote, failing on every start.
    Path wal = OUTPUT.resolve("spool").resolve("shop").resolve(SLOT).resolve("wal");
    Files.createDirectories(wal);
    String foreignName = "0000000100000FFF00000042";
    long otherSystem = 7_000_000_000_000_000_042L;
    byte[] foreign = foreignSegment(otherSystem);
    Files.write(wal.resolve(foreignName + ".partial"), foreign);

    String workflowId = "wal-archiver-shop-it-" + UUID.randomUUID();
    WorkerProcess worker = WorkerProcess.start(env, OUTPUT);
    try {
      WalArchiverWorkflow running = startArchiver(workflowId);
      WalArchiveStatus archived = archiveASwitchedSegment(running);

      assertThat(WalSegments.startLsn(archived.lastSegment(), SEGMENT))
          .isLessThan(WalSegments.startLsn(foreignName, SEGMENT));
      List<Path> setAside = besideTheSpool(wal, "wal.foreign-");
      assertThat(setAside).as("the foreign spool, moved beside the new one").hasSize(1);
      assertThat(setAside.get(0).resolve(foreignName + ".partial")).exists();
      assertThat(wal.resolve(foreignName + ".partial")).doesNotExist();
      assertThat(Files.readString(worker.log()))
          .contains("was written by database system " + otherSystem);

      WalArchiveStatus stopped = running.stop(true);
      assertThat(stopped.phase()).isEqualTo("stopped");
    } finally {
      worker.kill();
      terminate(workflowId);
    }
  }

  @Test
  void aSpoolTheServerHasRemovedTheWalOfIsSetAsideAndArchivingStartsAtTheNewSlot()
      throws Exception {
    // What an archiver restarted long after a stop with --drop-slot finds: its spool's segment, of
    // this very system, whose WAL the server has long removed. pg_receivewal would resume there
    // and fail on every start; the archive has a gap either way, up to the new slot.
    Path wal = OUTPUT.resolve("spool").resolve("shop").resolve(SLOT).resolve("wal");
    Files.createDirectories(wal);
    String oldName = "000000010000000000000001";
    pushOutOfPgWal(oldName);
    Files.write(wal.resolve(oldName + ".partial"), foreignSegment(systemIdentifier()));

    String workflowId = "wal-archiver-shop-it-" + UUID.randomUUID();
    WorkerProcess worker = WorkerProcess.start(env, OUTPUT);
    try {
      WalArchiverWorkflow running = startArchiver(workflowId);
      WalArchiveStatus archived = archiveASwitchedSegment(running);

      assertThat(archived.lastError()).isNull();
      List<Path> setAside = besideTheSpool(wal, "wal.behind-");
      assertThat(setAside).as("the old spool, moved beside the new one").hasSize(1);
      assertThat(setAside.get(0).resolve(oldName + ".partial")).exists();
      assertThat(Files.readString(worker.log()))
          .contains("cannot be resumed (pg_receivewal would resume at 0/1000000")
          .contains("the archive has a gap before it");

      running.stop(true);
    } finally {
      worker.kill();
      terminate(workflowId);
    }
  }

  /** Writes, switches the segment, and waits until the archiver has archived up to it. */
  private WalArchiveStatus archiveASwitchedSegment(WalArchiverWorkflow running) throws Exception {
    String switched = writeAndSwitch(200);
    return awaitStatus(
        running,
        s -> s.lastSegment() != null && s.lastSegment().compareTo(segmentBefore(switched)) >= 0,
        Duration.ofMinutes(3));
  }

  /** The spools the archiver moved beside {@code wal}, by the prefix naming why. */
  private static List<Path> besideTheSpool(Path wal, String prefix) throws Exception {
    try (Stream<Path> siblings = Files.list(wal.getParent())) {
      return siblings.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  /**
   * Writes and checkpoints until the primary's pg_wal no longer holds the segment (on any
   * timeline): a young cluster still has its first segments, which wal_keep_size (16 segments on
   * the stack) keeps.
   */
  private void pushOutOfPgWal(String segment) throws Exception {
    for (int round = 0; round < 60; round++) {
      try (Connection connection = RealStack.connect(config, primary);
          PreparedStatement find =
              connection.prepareStatement(
                  "SELECT count(*) FROM pg_ls_waldir() WHERE length(name) = 24"
                      + " AND right(name, 16) = ?")) {
        find.setString(1, segment.substring(8));
        try (ResultSet row = find.executeQuery()) {
          row.next();
          if (row.getLong(1) == 0) {
            return;
          }
        }
        writeAndSwitch(50);
        try (Statement sql = connection.createStatement()) {
          sql.execute("CHECKPOINT");
        }
      }
    }
    throw new AssertionError("the primary still holds WAL segment " + segment + " after 60 rounds");
  }

  private long systemIdentifier() throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery("SELECT system_identifier::text FROM pg_control_system()")) {
      row.next();
      return Long.parseUnsignedLong(row.getString(1));
    }
  }

  @Test
  void aDestinationHoldingAnotherSystemsSegmentOfTheSameNameIsReportedNotSkipped()
      throws Exception {
    // A segment of the name the server writes next, sealed by another database system: what a
    // cluster re-created under the same name finds in an archive it shares with its predecessor.
    String next = WalSegments.containing(timeline(), currentLsn(), SEGMENT);
    long otherSystem = 7_000_000_000_000_000_043L;
    DestinationSettings nas =
        config.requireBackup().destinations().stream()
            .filter(d -> d.name().equals("nas"))
            .findFirst()
            .orElseThrow();
    SecretResolver secrets = new SecretResolver(config.secretsDir(), env);
    try (BackupStore store = DestinationStores.open(nas, secrets)) {
      WalArchive.write(
          store,
          "shop",
          next,
          new java.io.ByteArrayInputStream(foreignSegment(otherSystem)),
          SEGMENT,
          new WalArchive.Codec(
              dev.lifeboat.activities.codec.CompressionSpec.of(
                  dev.lifeboat.workflows.model.Compression.ZSTD),
              null,
              null,
              "it"),
          java.time.Instant.now(),
          dev.lifeboat.activities.storage.ProgressListener.NONE);
    }

    String workflowId = "wal-archiver-shop-it-" + UUID.randomUUID();
    WorkerProcess worker = WorkerProcess.start(env, OUTPUT);
    try {
      WalArchiverWorkflow running = startArchiver(workflowId);
      writeAndSwitch(200);
      WalArchiveStatus reported =
          awaitStatus(
              running,
              s ->
                  s.destinations().stream()
                          .anyMatch(
                              d ->
                                  d.destination().equals("nas")
                                      && d.lastError() != null
                                      && d.lastError()
                                          .contains("of database system " + otherSystem))
                      && s.destinations().stream()
                          .filter(d -> d.destination().equals("s3"))
                          .anyMatch(
                              d -> d.lastSegment() != null && d.lastSegment().compareTo(next) >= 0),
              Duration.ofMinutes(3));

      WalDestinationHealth refused =
          reported.destinations().stream()
              .filter(d -> d.destination().equals("nas"))
              .findFirst()
              .orElseThrow();
      assertThat(refused.lastError())
          .contains("already holds WAL segment " + next)
          .contains("the cluster was re-created under the same name");
      assertThat(refused.backlog()).isPositive();
      // The other system's segment is still the one in the archive: nothing was overwritten.
      try (BackupStore store = DestinationStores.open(nas, secrets)) {
        assertThat(WalArchive.seal(store, "shop", next).orElseThrow().systemIdentifier())
            .isEqualTo(Long.toString(otherSystem));
      }
      running.stop(true);
    } finally {
      worker.kill();
      terminate(workflowId);
    }
  }

  /** A segment's worth of bytes whose first page header names {@code system}. */
  private static byte[] foreignSegment(long system) {
    byte[] segment = new byte[(int) SEGMENT];
    segment[0] = (byte) 0x10;
    segment[1] = (byte) 0xD1;
    segment[2] = 0x06; // XLP_LONG_HEADER | XLP_BKP_REMOVABLE
    for (int i = 0; i < 8; i++) {
      segment[24 + i] = (byte) (system >>> (8 * i));
    }
    return segment;
  }

  private long currentLsn() throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
      row.next();
      return Lsn.parse(row.getString(1));
    }
  }

  /** Starts an archiver of shop on the test's slot and waits for the slot; returns its stub. */
  private WalArchiverWorkflow startArchiver(String workflowId) throws Exception {
    WalArchiverWorkflow archiver =
        client.newWorkflowStub(
            WalArchiverWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(20))
                .build());
    WorkflowClient.start(
        archiver::archive, new WalArchiverRequest("shop", SLOT, 120, 0, 2, 0, null));
    long slotDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!slotExists()) {
      assertThat(System.nanoTime())
          .as("slot %s created within 90 s", SLOT)
          .isLessThan(slotDeadline);
      Thread.sleep(500);
    }
    return client.newWorkflowStub(WalArchiverWorkflow.class, workflowId);
  }

  /** Ends an archiver a test started, however the test went. */
  private void terminate(String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).terminate("test over");
    } catch (RuntimeException alreadyClosed) {
      // Stopped cleanly by the test.
    }
  }

  /** The name of the segment holding the byte just before {@code lsn}: closed by a switch there. */
  private String segmentBefore(String lsn) {
    try {
      return WalSegments.containing(timeline(), Lsn.parse(lsn) - 1, SEGMENT);
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the primary's timeline", e);
    }
  }

  /** The primary's timeline: 1 on a fresh stack, higher after a failover drill on it. */
  private int timeline() throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
      row.next();
      return Integer.parseInt(row.getString(1), 16);
    }
  }

  private WalArchiveStatus awaitStatus(
      WalArchiverWorkflow workflow, Predicate<WalArchiveStatus> condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    WalArchiveStatus status = null;
    while (System.nanoTime() < deadline) {
      try {
        status = workflow.status();
        if (status != null && condition.test(status)) {
          return status;
        }
      } catch (RuntimeException notYet) {
        // Between runs or while the worker restarts, queries may fail for a moment.
      }
      Thread.sleep(500);
    }
    throw new AssertionError("archiver status did not get there within " + timeout + ": " + status);
  }

  private void writeRows(int rows) throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        Statement sql = connection.createStatement()) {
      sql.execute(
          "CREATE TABLE IF NOT EXISTS lifeboat_it_wal (id bigserial PRIMARY KEY, payload text)");
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT INTO lifeboat_it_wal (payload) SELECT md5(random()::text) || repeat(md5(g::text), 10) FROM generate_series(1, ?) g")) {
        insert.setInt(1, rows);
        insert.execute();
      }
    }
  }

  /** Switches to a new WAL segment; returns the LSN where the closed segment ends. */
  private String switchWal() throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        Statement sql = connection.createStatement();
        ResultSet row = sql.executeQuery("SELECT pg_switch_wal()::text")) {
      row.next();
      return row.getString(1);
    }
  }

  private String writeAndSwitch(int rows) throws Exception {
    writeRows(rows);
    return switchWal();
  }

  private boolean slotExists() throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        PreparedStatement find =
            connection.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      find.setString(1, SLOT);
      try (ResultSet row = find.executeQuery()) {
        return row.next();
      }
    }
  }

  /** A leftover slot would keep WAL on the shared primary forever. */
  private void dropSlot() throws Exception {
    try (Connection connection = RealStack.connect(config, primary);
        PreparedStatement terminate =
            connection.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                    + " WHERE slot_name = ? AND active_pid IS NOT NULL");
        PreparedStatement drop =
            connection.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      terminate.setString(1, SLOT);
      terminate.execute();
      Thread.sleep(500);
      drop.setString(1, SLOT);
      drop.execute();
    }
  }

  /**
   * The attempt of the running archiving activity (its started event is written only at its end).
   */
  private int archiveAttempts(String workflowId) {
    return service
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(config.temporal().namespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getPendingActivitiesList()
        .stream()
        .filter(a -> a.getActivityType().getName().equals("Wal_Archive"))
        .mapToInt(a -> a.getAttempt())
        .max()
        .orElse(0);
  }
}
