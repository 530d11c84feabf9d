package dev.lifeboat.activities.backup;

import dev.lifeboat.activities.archive.WalArchive;
import dev.lifeboat.activities.archive.WalPruner;
import dev.lifeboat.activities.backup.files.FilesBackup;
import dev.lifeboat.activities.backup.files.LowLevelBackupSession;
import dev.lifeboat.activities.backup.files.ParentPages;
import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.manifest.BackupChain;
import dev.lifeboat.activities.manifest.BackupDeleter;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.BackupObjects;
import dev.lifeboat.activities.manifest.BackupSetWriter;
import dev.lifeboat.activities.manifest.BackupType;
import dev.lifeboat.activities.manifest.BackupVerifier;
import dev.lifeboat.activities.manifest.CopiesRecord;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.manifest.FileEntry;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.ManifestException;
import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.manifest.PageChecksumReport;
import dev.lifeboat.activities.manifest.ProofStamp;
import dev.lifeboat.activities.manifest.SourceInfo;
import dev.lifeboat.activities.manifest.VerificationStamp;
import dev.lifeboat.activities.postgres.PgBinaries;
import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.activities.storage.ProgressInputStream;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.config.BackupSettings;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.BaseBackupTask;
import dev.lifeboat.workflows.model.CopyTask;
import dev.lifeboat.workflows.model.Lsn;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TakenBackup;
import dev.lifeboat.workflows.model.VerificationSummary;
import dev.lifeboat.workflows.model.WalPruneSummary;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Takes full backups with pg_basebackup and copies sealed backups between destinations. */
public final class BackupActivitiesImpl implements BackupActivities {

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(BackupActivitiesImpl.class);

  /** The version written into manifests. */
  static final String TOOL_VERSION =
      "lifeboat "
          + (BackupActivitiesImpl.class.getPackage().getImplementationVersion() == null
              ? "development"
              : BackupActivitiesImpl.class.getPackage().getImplementationVersion());

  private final LifeboatConfig config;
  private final SecretResolver secrets;
  private final PgConnections connections;
  private final Clock clock;

  public BackupActivitiesImpl(
      LifeboatConfig config, SecretResolver secrets, PgConnections connections, Clock clock) {
    this.config = config;
    this.secrets = secrets;
    this.connections = connections;
    this.clock = clock;
  }

  @Override
  public List<String> destinations() {
    BackupSettings backup = config.backup();
    return backup == null
        ? List.of()
        : backup.destinations().stream().map(DestinationSettings::name).toList();
  }

  @Override
  public TakenBackup takeFull(BaseBackupTask task) {
    return take(task, false);
  }

  @Override
  public TakenBackup takeIncremental(BaseBackupTask task) {
    if (task.parentId() == null || task.parentId().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "incremental backup " + task.backupId() + " has no parent backup id",
          ErrorTypes.INVALID_REQUEST);
    }
    if (task.parentId().equals(task.backupId())) {
      // Backup ids have one-second resolution: an incremental started in the same second as the
      // newest backup gets that backup's id, and the clean start below would delete its parent.
      throw ApplicationFailure.newNonRetryableFailure(
          "incremental backup "
              + task.backupId()
              + " would build on itself: it started in the same second as its parent, and backup"
              + " ids have one-second resolution; start it again",
          ErrorTypes.PARENT_NOT_USABLE);
    }
    return take(task, true);
  }

  private TakenBackup take(BaseBackupTask task, boolean incremental) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    BackupSettings backup = config.requireBackup();
    DestinationSettings destination = destination(task.destination());
    NodeSpec source = task.source();
    String password =
        source.passwordSecret() == null
            ? null
            : secrets.resolve(
                source.passwordSecret(), "node " + source.name() + " of cluster " + task.cluster());
    String what = (incremental ? "incremental backup " : "full backup ") + task.backupId();
    Path parentManifest = null;
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      boolean files = useFiles(task, backup, source);
      // A stream backup runs the pg_basebackup of the server's major version; an incremental one
      // is refused before anything is read or written when the server or the worker cannot make it.
      Path pgBasebackup = null;
      if (!files) {
        BlockIncremental.Server server = server(source, task.cluster());
        if (incremental) {
          ApplicationFailure refusal = BlockIncremental.refusal(server, source.name());
          if (refusal != null) {
            throw refusal;
          }
          pgBasebackup = PgBinaries.find(server.major(), "pg_basebackup");
        } else {
          pgBasebackup = PgBinaries.findOrAny(server.major(), "pg_basebackup");
        }
      }
      Manifest parent = incremental ? parent(store, task, files) : null;
      if (parent != null && !files) {
        parentManifest = fetchBackupManifest(store, task.cluster(), parent, backup, task);
      }
      // A retry after a crash starts clean: nothing of the failed attempt is left to look like
      // part of this backup. The manifest is sealed last, so no attempt ever looked complete.
      BackupDeleter.delete(store, task.cluster(), task.backupId());
      KeyProvider kek = backup.encryption() ? KeyProviders.open(backup.keys(), secrets) : null;
      BackupSetWriter writer =
          BackupSetWriter.begin(
              store,
              task.cluster(),
              task.backupId(),
              new CompressionSpec(backup.compression(), backup.compressionLevel()),
              kek,
              clock,
              TOOL_VERSION);
      Heartbeats heartbeats =
          new Heartbeats(context, "reading", estimateBytes(source, task.cluster()));
      // The rows are counted while the data is read; see SourceFacts.
      try (SourceFacts reading = readFacts(source, task.cluster())) {
        Taken taken =
            files
                ? takeFiles(task, source, store, writer, backup, kek, parent, heartbeats)
                : takeStream(
                    source,
                    password,
                    backup.maxRate(),
                    writer,
                    heartbeats,
                    pgBasebackup,
                    parentManifest);
        long waitingFrom = System.nanoTime();
        Heartbeats counting = new Heartbeats(context, "counting rows");
        SourceFacts.Facts facts = reading.await(() -> counting.bytesTransferred(0));
        long waitedMillis = (System.nanoTime() - waitingFrom) / 1_000_000;
        SourceInfo info =
            new SourceInfo(
                facts.version(),
                facts.systemIdentifier(),
                taken.timeline(),
                taken.startLsn(),
                taken.stopLsn(),
                taken.started(),
                clock.instant());
        Manifest manifest =
            writer.seal(
                incremental ? BackupType.INCREMENTAL : BackupType.FULL,
                parent == null ? null : parent.backupId(),
                info,
                facts.rowCounts(),
                taken.method(),
                taken.files(),
                taken.directories(),
                taken.pageChecksums());
        double share = 1.0;
        if (parent != null) {
          Manifest full = BackupChain.of(store, parent).get(0);
          share =
              full.storedBytes() == 0 ? 0 : (double) manifest.storedBytes() / full.storedBytes();
        }
        log.info(
            "{} of {} sealed in {}: {} objects, {} bytes stored{}; rows of {} tables counted in {} ms,"
                + " {} ms of it after the data was read",
            what,
            task.cluster(),
            destination.name(),
            manifest.objects().size(),
            manifest.storedBytes(),
            parent == null ? "" : String.format(" (%.1f%% of the full)", share * 100),
            facts.rowCounts().size(),
            facts.millis(),
            waitedMillis);
        return new TakenBackup(
            new BackupCopy(
                destination.name(),
                store.url(),
                true,
                manifest.storedBytes(),
                manifest.objects().size(),
                null),
            facts.version(),
            taken.timeline(),
            taken.startLsn(),
            taken.stopLsn(),
            taken.bytesRead(),
            taken.method(),
            share,
            warnings(taken, facts));
      }
    } catch (PgBinaries.MissingException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          what + " of " + task.cluster() + ": " + e.getMessage(), ErrorTypes.PG_TOOLS_MISSING);
    } catch (FilesBackup.WalGapException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          what + " of " + task.cluster() + ": " + e.getMessage(), ErrorTypes.WAL_GAP);
    } catch (FilesBackup.ParentNotUsableException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          what + " of " + task.cluster() + ": " + e.getMessage(), ErrorTypes.PARENT_NOT_USABLE);
    } catch (IOException | SQLException e) {
      throw ApplicationFailure.newFailure(
          what
              + " of "
              + task.cluster()
              + " into "
              + destination.name()
              + " failed: "
              + e.getMessage(),
          ErrorTypes.BACKUP_FAILED);
    } finally {
      deleteQuietly(parentManifest);
    }
  }

  /** What either source read, for the manifest. */
  private record Taken(
      String method,
      long timeline,
      String startLsn,
      String stopLsn,
      Instant started,
      long bytesRead,
      List<FileEntry> files,
      List<String> directories,
      PageChecksumReport pageChecksums) {}

  /**
   * Streams {@code pg_basebackup}'s tar into one object, and pg_basebackup's own backup_manifest
   * (the tar's last member) into another, for an incremental to build on later.
   *
   * @param incrementalOf the parent's backup_manifest for a block-level incremental, else null
   */
  private Taken takeStream(
      NodeSpec source,
      String password,
      String maxRate,
      BackupSetWriter writer,
      Heartbeats heartbeats,
      Path pgBasebackup,
      Path incrementalOf)
      throws IOException {
    Instant started = clock.instant();
    try (BaseBackupStream basebackup =
        BaseBackupStream.start(pgBasebackup, source, password, maxRate, incrementalOf)) {
      TarMemberTap manifestTap =
          new TarMemberTap(
              basebackup.tar(), BlockIncremental.MANIFEST_OBJECT, BlockIncremental.MANIFEST_LIMIT);
      // Progress counts the bytes read from PostgreSQL, comparable with the database's size.
      StoredObject base =
          writer.add(
              "base.tar", new ProgressInputStream(manifestTap, heartbeats), ProgressListener.NONE);
      BaseBackupStream.Positions positions = basebackup.finish();
      Optional<byte[]> manifest = manifestTap.member();
      if (manifest.isPresent()) {
        writer.add(
            BlockIncremental.MANIFEST_OBJECT,
            new ByteArrayInputStream(manifest.get()),
            ProgressListener.NONE);
      } else {
        log.warn("pg_basebackup wrote no backup_manifest: no incremental can build on this backup");
      }
      return new Taken(
          Manifest.METHOD_STREAM,
          positions.timeline(),
          positions.startLsn(),
          positions.stopLsn(),
          started,
          base.rawSize(),
          List.of(),
          List.of(),
          null);
    }
  }

  /** Reads the data directory's files on a held low-level backup session. */
  private Taken takeFiles(
      BaseBackupTask task,
      NodeSpec source,
      BackupStore store,
      BackupSetWriter writer,
      BackupSettings backup,
      KeyProvider kek,
      Manifest parent,
      Heartbeats heartbeats)
      throws IOException, SQLException {
    Instant started = clock.instant();
    try (LowLevelBackupSession session =
        LowLevelBackupSession.open(connections.open(source, task.cluster(), "backup"))) {
      AtomicLong read = new AtomicLong();
      FilesBackup files =
          new FilesBackup(
              session,
              writer,
              backup.readers(),
              FilesBackup.DEFAULT_BUNDLE_BYTES,
              backup.maxBytesPerSecond(),
              n -> heartbeats.bytesTransferred(read.addAndGet(n)));
      // WAL the archiver already sealed in this destination is not stored again.
      FilesBackup.Result result =
          files.run(
              "lifeboat " + task.cluster() + " " + task.backupId(),
              parentOf(parent, backup.pageDifferences() ? store : null, kek),
              segment ->
                  WalArchive.containsOf(
                      store, task.cluster(), segment, session.systemIdentifier()));
      return new Taken(
          Manifest.METHOD_FILES,
          result.stop().timeline(),
          Lsn.format(result.startLsn()),
          Lsn.format(result.stop().stopLsn()),
          started,
          result.bytesRead(),
          result.files(),
          result.directories(),
          result.pageChecks() == null ? null : result.pageChecks().report());
    }
  }

  /**
   * What the files source needs of the parent.
   *
   * @param pagesFrom the store to read the parent chain's pages back from, so changed pages are
   *     stored as differences; null to store them whole
   */
  private static FilesBackup.Parent parentOf(
      Manifest parent, BackupStore pagesFrom, KeyProvider kek) throws IOException {
    if (parent == null) {
      return null;
    }
    Map<String, Long> sizes = new HashMap<>();
    for (FileEntry entry : parent.files()) {
      sizes.put(entry.path(), entry.size());
    }
    return new FilesBackup.Parent(
        parent.backupId(),
        parent.timeline(),
        Lsn.parse(parent.startLsn()),
        Lsn.parse(parent.stopLsn()),
        parent.startTime(),
        sizes,
        pagesFrom == null
            ? null
            : ParentPages.open(pagesFrom, BackupChain.of(pagesFrom, parent), kek));
  }

  /**
   * The parent's manifest in the landing destination: a files backup for a files incremental, a
   * stream backup that kept its backup_manifest for a stream one.
   */
  private static Manifest parent(BackupStore store, BaseBackupTask task, boolean files)
      throws IOException {
    Manifest parent;
    try {
      parent = ManifestStore.read(store, task.cluster(), task.parentId());
    } catch (ManifestException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "incremental backup "
              + task.backupId()
              + " needs its parent "
              + task.parentId()
              + " in "
              + task.destination()
              + ": "
              + e.getMessage(),
          ErrorTypes.PARENT_MISSING);
    }
    if (!files) {
      ApplicationFailure refusal = BlockIncremental.parentRefusal(parent, task.backupId());
      if (refusal != null) {
        throw refusal;
      }
      return parent;
    }
    if (!Manifest.METHOD_FILES.equals(parent.method())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "backup "
              + parent.backupId()
              + " was taken with pg_basebackup (stream) and holds no per-file list, so it cannot"
              + " be the parent of an incremental: take a full backup with the files source"
              + " (lifeboat backup full --source files)",
          ErrorTypes.PARENT_NOT_USABLE);
    }
    return parent;
  }

  /**
   * Whether to read files: asked for, or {@code auto} and the worker can read the node's data
   * directory (it runs on the database host).
   */
  private boolean useFiles(BaseBackupTask task, BackupSettings backup, NodeSpec source) {
    String method =
        task.method() != null
            ? task.method()
            : task.parentId() != null ? BackupRequest.SOURCE_FILES : backup.source();
    if (BackupRequest.SOURCE_STREAM.equals(method)) {
      return false;
    }
    String problem = filesProblem(source, task.cluster());
    if (problem == null) {
      return true;
    }
    if (BackupRequest.SOURCE_FILES.equals(method)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the files source cannot read node "
              + source.name()
              + ": "
              + problem
              + "; run the worker of region "
              + source.region()
              + " on the database host as a user that can read the data directory, or use"
              + " --source stream",
          ErrorTypes.FILES_SOURCE_UNAVAILABLE);
    }
    log.info("backing up {} with pg_basebackup: {}", source.name(), problem);
    return false;
  }

  /** The server's version and whether it keeps WAL summaries (null before PostgreSQL 17). */
  private BlockIncremental.Server server(NodeSpec node, String cluster) throws IOException {
    try (Connection connection = connections.open(node, cluster, "backup");
        Statement sql = connection.createStatement();
        ResultSet row =
            sql.executeQuery(
                "SELECT current_setting('server_version_num')::int,"
                    + " current_setting('server_version'),"
                    + " current_setting('summarize_wal', true)")) {
      row.next();
      return new BlockIncremental.Server(row.getInt(1), row.getString(2), row.getString(3));
    } catch (SQLException e) {
      throw new IOException(
          "cannot read the server version of node " + node.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fetches the parent's backup_manifest (through verification and decryption) into a private
   * temporary file for {@code pg_basebackup --incremental}; the caller deletes it.
   */
  private Path fetchBackupManifest(
      BackupStore store,
      String cluster,
      Manifest parent,
      BackupSettings backup,
      BaseBackupTask task)
      throws IOException {
    KeyProvider kek =
        parent.encryption() == null ? null : KeyProviders.open(backup.keys(), secrets);
    Path file = Files.createTempFile("lifeboat-" + task.backupId() + "-parent-", ".manifest");
    try (InputStream in =
        BackupObjects.open(store, cluster, parent, BlockIncremental.MANIFEST_OBJECT, kek)) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(file);
      throw e;
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", file, e.getMessage());
    }
  }

  /** Why this worker cannot read the node's data directory, or null when it can. */
  private String filesProblem(NodeSpec node, String cluster) {
    try (Connection connection = connections.open(node, cluster, "backup");
        Statement sql = connection.createStatement();
        ResultSet row = sql.executeQuery("SELECT current_setting('data_directory')")) {
      row.next();
      Path dataDirectory = Path.of(row.getString(1));
      if (!Files.isReadable(dataDirectory.resolve("global").resolve("pg_control"))) {
        return "its data directory " + dataDirectory + " is not readable on this worker";
      }
      Path pid = dataDirectory.resolve("postmaster.pid");
      List<String> lines = Files.isReadable(pid) ? Files.readAllLines(pid) : List.of();
      if (lines.size() < 4 || !lines.get(3).strip().equals(String.valueOf(node.port()))) {
        return "the data directory "
            + dataDirectory
            + " on this worker does not belong to the server on port "
            + node.port();
      }
      return null;
    } catch (SQLException e) {
      return "reading its data_directory setting failed (" + e.getMessage() + ")";
    } catch (IOException e) {
      return "its postmaster.pid is not readable (" + e.getMessage() + ")";
    }
  }

  @Override
  public BackupCopy copy(CopyTask task) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    DestinationSettings from = destination(task.from());
    DestinationSettings to = destination(task.to());
    try (BackupStore source = DestinationStores.open(from, secrets);
        BackupStore target = DestinationStores.open(to, secrets)) {
      Manifest manifest = ManifestStore.read(source, task.cluster(), task.backupId());
      if (manifest.parentId() != null) {
        // An incremental without its parent cannot be restored; the copy waits for the parent's
        // own copy (the backfill of the parent comes first, the retry of this one after).
        try {
          ManifestStore.read(target, task.cluster(), manifest.parentId());
        } catch (ManifestException e) {
          throw new IOException(
              "its parent "
                  + manifest.parentId()
                  + " has no sealed copy in "
                  + to.name()
                  + " yet ("
                  + e.getMessage()
                  + ")");
        }
      }
      BackupDeleter.delete(target, task.cluster(), task.backupId());
      if (manifest.encryption() != null) {
        DataKeyStore.save(
            target,
            task.cluster(),
            task.backupId(),
            DataKeyStore.load(source, task.cluster(), task.backupId()));
      }
      Heartbeats heartbeats = new Heartbeats(context, "copying to " + to.name());
      long done = 0;
      for (StoredObject object : manifest.objects()) {
        heartbeats.nextObject(done);
        ObjectPipeline.copyVerified(
            source,
            BackupLayout.objectKey(task.cluster(), task.backupId(), object.path()),
            object,
            target,
            heartbeats);
        done += object.size();
      }
      ManifestStore.write(target, manifest);
      return new BackupCopy(
          to.name(), target.url(), true, manifest.storedBytes(), manifest.objects().size(), null);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "copy of backup "
              + task.backupId()
              + " from "
              + from.name()
              + " to "
              + to.name()
              + " failed: "
              + e.getMessage(),
          ErrorTypes.COPY_FAILED);
    }
  }

  @Override
  public void recordCopies(String cluster, String backupId, List<BackupCopy> copies) {
    List<BackupCopy> known = new ArrayList<>(copies);
    CopiesRecord record = new CopiesRecord(backupId, clock.instant(), List.of());
    // Start from what an earlier record says (a backfill only knows the copies it made).
    for (BackupCopy copy : copies) {
      if (copy.complete()) {
        try (BackupStore store = DestinationStores.open(destination(copy.destination()), secrets)) {
          record = CopiesRecord.read(store, cluster, backupId).orElse(record);
          break;
        } catch (IOException e) {
          log.warn(
              "cannot read copies.json of {} in {}: {}",
              backupId,
              copy.destination(),
              e.getMessage());
        }
      }
    }
    record = record.merge(known, clock.instant());
    for (BackupCopy copy : record.copies()) {
      if (!copy.complete()) {
        continue;
      }
      try (BackupStore store = DestinationStores.open(destination(copy.destination()), secrets)) {
        CopiesRecord.write(store, cluster, record);
      } catch (IOException | RuntimeException e) {
        log.warn(
            "cannot record the copies of {} in {}: {}",
            backupId,
            copy.destination(),
            e.getMessage());
      }
    }
  }

  @Override
  public WalPruneSummary pruneWal(
      String cluster, String destinationName, String keepFromLsn, boolean apply) {
    DestinationSettings destination = destination(destinationName);
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      WalPruner.Result result =
          WalPruner.prune(store, cluster, Lsn.parse(keepFromLsn), clock.instant(), apply);
      return new WalPruneSummary(
          destination.name(),
          keepFromLsn,
          result.segments().size(),
          result.bytes(),
          result.keysShredded());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot prune the WAL archive of "
              + cluster
              + " in "
              + destination.name()
              + ": "
              + e.getMessage(),
          ErrorTypes.STORE_OPERATION_FAILED);
    }
  }

  @Override
  public List<BackupSummary> list(String cluster, String destinationName) {
    DestinationSettings destination = destination(destinationName);
    List<BackupSummary> summaries = new ArrayList<>();
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      for (String backupId : ManifestStore.listBackupIds(store, cluster)) {
        try {
          Manifest manifest = ManifestStore.read(store, cluster, backupId);
          summaries.add(
              new BackupSummary(
                  backupId,
                  manifest.type().name(),
                  manifest.stopTime(),
                  manifest.stopLsn(),
                  manifest.rawBytes(),
                  manifest.storedBytes(),
                  destination.name(),
                  manifest.parentId(),
                  VerificationStamp.read(store, cluster, backupId)
                      .map(VerificationStamp::verifiedAt)
                      .orElse(null),
                  ProofStamp.read(store, cluster, backupId).map(ProofStamp::provenAt).orElse(null),
                  manifest.pageChecksums() == null ? null : manifest.pageChecksums().summary()));
        } catch (ManifestException e) {
          // A damaged manifest is not a backup; verification reports it, listing skips it.
        }
      }
      return summaries;
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot list backups of " + cluster + " in " + destination.name() + ": " + e.getMessage(),
          ErrorTypes.STORE_OPERATION_FAILED);
    }
  }

  @Override
  public VerificationSummary verify(String cluster, String backupId, String destinationName) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    DestinationSettings destination = destination(destinationName);
    BackupSettings backup = config.requireBackup();
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      KeyProvider kek = KeyProviders.open(backup.keys(), secrets);
      BackupVerifier.Report report =
          BackupVerifier.verify(
              store, cluster, backupId, kek, new Heartbeats(context, "verifying"));
      if (report.intact()) {
        VerificationStamp.write(
            store,
            cluster,
            backupId,
            new VerificationStamp(
                clock.instant(), report.objectsChecked(), report.storedBytes(), TOOL_VERSION));
      }
      return new VerificationSummary(
          destination.name(),
          backupId,
          report.intact(),
          report.objectsChecked(),
          report.storedBytes(),
          report.problems());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot verify backup " + backupId + " in " + destination.name() + ": " + e.getMessage(),
          ErrorTypes.STORE_OPERATION_FAILED);
    }
  }

  @Override
  public void delete(String cluster, String backupId, String destinationName) {
    DestinationSettings destination = destination(destinationName);
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      BackupDeleter.delete(store, cluster, backupId);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "cannot delete backup "
              + backupId
              + " from "
              + destination.name()
              + ": "
              + e.getMessage(),
          ErrorTypes.STORE_OPERATION_FAILED);
    }
  }

  private DestinationSettings destination(String name) {
    return DestinationStores.configured(config, name);
  }

  /** The size of every database of the node: about what a base backup reads. */
  private long estimateBytes(NodeSpec node, String cluster) {
    try (Connection connection = connections.open(node, cluster, "backup");
        Statement sql = connection.createStatement();
        ResultSet row =
            sql.executeQuery("SELECT sum(pg_database_size(oid))::bigint FROM pg_database")) {
      row.next();
      return row.getLong(1);
    } catch (SQLException | RuntimeException e) {
      // Only the progress bar needs it; the backup goes on without an estimate.
      log.warn("cannot estimate the size of node {}: {}", node.name(), e.getMessage());
      return 0;
    }
  }

  /** What the operator must hear about a backup that succeeded. */
  private static List<String> warnings(Taken taken, SourceFacts.Facts facts) {
    List<String> warnings = new ArrayList<>();
    String pages = taken.pageChecksums() == null ? null : taken.pageChecksums().warning();
    if (pages != null) {
      warnings.add(pages);
    }
    warnings.addAll(facts.warnings());
    warnings.forEach(warning -> log.warn("{}", warning));
    return warnings;
  }

  /** Starts reading the server's facts and row counts on a connection of their own. */
  private SourceFacts readFacts(NodeSpec node, String cluster) throws IOException {
    try {
      return SourceFacts.start(connections.open(node, cluster, "backup"), node.name());
    } catch (SQLException e) {
      throw new IOException(
          "cannot read facts from node " + node.name() + ": " + e.getMessage(), e);
    }
  }
}
