package dev.lifeboat.activities.backup;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.KeyProviders;
import dev.lifeboat.activities.manifest.BackupDeleter;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.BackupSetWriter;
import dev.lifeboat.activities.manifest.BackupType;
import dev.lifeboat.activities.manifest.BackupVerifier;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.ManifestException;
import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.manifest.SourceInfo;
import dev.lifeboat.activities.postgres.PgConnections;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.config.BackupSettings;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.CopyTask;
import dev.lifeboat.workflows.model.FullBackupTask;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TakenBackup;
import dev.lifeboat.workflows.model.VerificationSummary;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
  public TakenBackup takeFull(FullBackupTask task) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    BackupSettings backup = config.requireBackup();
    DestinationSettings destination = destination(task.destination());
    NodeSpec source = task.source();
    String password =
        source.passwordSecret() == null
            ? null
            : secrets.resolve(
                source.passwordSecret(), "node " + source.name() + " of cluster " + task.cluster());
    try (BackupStore store = DestinationStores.open(destination, secrets)) {
      // A retry after a crash starts clean: nothing of the failed attempt is left to look like
      // part of this backup. The manifest is sealed last, so no attempt ever looked complete.
      BackupDeleter.delete(store, task.cluster(), task.backupId());
      KeyProvider kek = backup.encryption() ? KeyProviders.open(backup.keys(), secrets) : null;
      Instant started = clock.instant();
      BackupSetWriter writer =
          BackupSetWriter.begin(
              store,
              task.cluster(),
              task.backupId(),
              new CompressionSpec(backup.compression(), backup.compressionLevel()),
              kek,
              clock,
              TOOL_VERSION);
      StoredObject base;
      BaseBackupStream.Positions positions;
      Heartbeats heartbeats =
          new Heartbeats(context, "streaming", estimateBytes(source, task.cluster()));
      try (BaseBackupStream basebackup =
          BaseBackupStream.start(source, password, backup.maxRate())) {
        // Progress counts the bytes read from PostgreSQL, comparable with the database's size.
        base =
            writer.add(
                "base.tar",
                new CountingInputStream(basebackup.tar(), heartbeats),
                ProgressListener.NONE);
        positions = basebackup.finish();
      }
      Facts facts = readFacts(source, task.cluster());
      Manifest manifest =
          writer.seal(
              BackupType.FULL,
              null,
              new SourceInfo(
                  facts.version(),
                  facts.systemIdentifier(),
                  positions.timeline(),
                  positions.startLsn(),
                  positions.stopLsn(),
                  started,
                  clock.instant()),
              facts.rowCounts());
      return new TakenBackup(
          new BackupCopy(
              destination.name(),
              store.url(),
              true,
              manifest.storedBytes(),
              manifest.objects().size(),
              null),
          facts.version(),
          positions.timeline(),
          positions.startLsn(),
          positions.stopLsn(),
          base.rawSize());
    } catch (IOException e) {
      throw ApplicationFailure.newFailure(
          "full backup "
              + task.backupId()
              + " of "
              + task.cluster()
              + " into "
              + destination.name()
              + " failed: "
              + e.getMessage(),
          ErrorTypes.BACKUP_FAILED);
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
                  destination.name()));
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
    BackupSettings backup = config.backup();
    List<DestinationSettings> all = backup == null ? List.of() : backup.destinations();
    return all.stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "backup destination '"
                        + name
                        + "' is not configured on this worker; configured: "
                        + all.stream().map(DestinationSettings::name).toList(),
                    ErrorTypes.UNKNOWN_DESTINATION));
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

  /** What the manifest records about the source besides the LSNs. */
  private record Facts(String version, String systemIdentifier, Map<String, Long> rowCounts) {}

  /**
   * Reads the server version, system identifier and the row count of every user table. Counted
   * right after the backup: on a quiet cluster they are the counts at the backup's end point.
   */
  private Facts readFacts(NodeSpec node, String cluster) throws IOException {
    try (Connection connection = connections.open(node, cluster, "backup");
        Statement sql = connection.createStatement()) {
      String version;
      String systemIdentifier;
      try (ResultSet row =
          sql.executeQuery(
              "SELECT current_setting('server_version'), (SELECT system_identifier FROM pg_control_system())::text")) {
        row.next();
        version = row.getString(1);
        systemIdentifier = row.getString(2);
      }
      List<String> tables = new ArrayList<>();
      try (ResultSet rows =
          sql.executeQuery(
              "SELECT format('%I.%I', schemaname, relname) FROM pg_stat_user_tables ORDER BY 1")) {
        while (rows.next()) {
          tables.add(rows.getString(1));
        }
      }
      Map<String, Long> counts = new TreeMap<>();
      for (String table : tables) {
        try (ResultSet count = sql.executeQuery("SELECT count(*) FROM " + table)) {
          count.next();
          counts.put(table, count.getLong(1));
        }
      }
      return new Facts(version, systemIdentifier, counts);
    } catch (SQLException e) {
      throw new IOException(
          "cannot read facts from node " + node.name() + ": " + e.getMessage(), e);
    }
  }
}
