package dev.lifeboat.activities.backup.files;

import dev.lifeboat.workflows.model.Lsn;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's non-exclusive low-level backup API on one held session: {@code pg_backup_start}
 * (with a fast checkpoint) and {@code pg_backup_stop}, or their names before PostgreSQL 15. The
 * session also holds a temporary replication slot, so the WAL the backup needs for consistency
 * cannot be recycled before it is copied. If the worker dies, the session ends and PostgreSQL
 * aborts the backup and drops the slot by itself: nothing is left to clean up on the server.
 */
public final class LowLevelBackupSession implements AutoCloseable {

  private static final Pattern START_TIMELINE = Pattern.compile("START TIMELINE: (\\d+)");

  private final Connection connection;
  private final int versionNumber;
  private final Path dataDirectory;
  private final long walSegmentSize;
  private final boolean standby;
  private final String systemIdentifier;
  private final boolean dataChecksums;
  private final long segmentBlocks;
  private long startLsn;
  private boolean started;

  /**
   * What {@code pg_backup_stop} returned.
   *
   * @param stopLsn where the backup is consistent
   * @param timeline the timeline the backup started on
   * @param backupLabel the {@code backup_label} file to store with the backup
   * @param tablespaceMap the {@code tablespace_map} file, empty without tablespaces
   */
  public record Stop(long stopLsn, long timeline, byte[] backupLabel, byte[] tablespaceMap) {}

  private LowLevelBackupSession(
      Connection connection,
      int versionNumber,
      Path dataDirectory,
      long walSegmentSize,
      boolean standby,
      String systemIdentifier,
      boolean dataChecksums,
      long segmentBlocks) {
    this.dataChecksums = dataChecksums;
    this.segmentBlocks = segmentBlocks;
    this.connection = connection;
    this.versionNumber = versionNumber;
    this.dataDirectory = dataDirectory;
    this.walSegmentSize = walSegmentSize;
    this.standby = standby;
    this.systemIdentifier = systemIdentifier;
  }

  /** Reads the server's facts on a fresh session that this object now owns. */
  public static LowLevelBackupSession open(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    try (Statement sql = connection.createStatement();
        ResultSet row =
            sql.executeQuery(
                "SELECT current_setting('server_version_num')::int,"
                    + " current_setting('data_directory'),"
                    + " (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'),"
                    + " current_setting('block_size')::int,"
                    + " pg_is_in_recovery(),"
                    + " (SELECT system_identifier FROM pg_control_system())::text,"
                    + " current_setting('data_checksums') = 'on',"
                    + " (SELECT setting::bigint FROM pg_settings WHERE name = 'segment_size')")) {
      row.next();
      if (row.getInt(4) != PageHeader.PAGE_SIZE) {
        throw new SQLException(
            "the server's block size is "
                + row.getInt(4)
                + " bytes; the files method reads "
                + PageHeader.PAGE_SIZE
                + "-byte pages: use the stream method");
      }
      return new LowLevelBackupSession(
          connection,
          row.getInt(1),
          Path.of(row.getString(2)),
          row.getLong(3),
          row.getBoolean(5),
          row.getString(6),
          row.getBoolean(7),
          row.getLong(8));
    }
  }

  /** The server's data directory, as it reports it. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** The size of a WAL segment in bytes. */
  public long walSegmentSize() {
    return walSegmentSize;
  }

  /** The database system identifier ({@code initdb}'s choice), unsigned decimal. */
  public String systemIdentifier() {
    return systemIdentifier;
  }

  /** Whether the cluster was initialised with data checksums, so its pages carry them. */
  public boolean dataChecksums() {
    return dataChecksums;
  }

  /** Blocks in a relation segment file: {@code segment_size}, 131,072 (1 GB) by default. */
  public long segmentBlocks() {
    return segmentBlocks;
  }

  /** Whether the session is on a standby. */
  public boolean standby() {
    return standby;
  }

  /**
   * What a temporary slot reserved.
   *
   * @param lsn the oldest WAL position the server now keeps for this session
   * @param timeline the server's current timeline
   */
  public record Reservation(long lsn, long timeline) {}

  /**
   * Reserves WAL from now on with a temporary slot, so every segment from here to the backup's end
   * stays on the server until the session ends.
   */
  public Reservation reserveWal() throws SQLException {
    try (Statement sql = connection.createStatement()) {
      sql.execute(
          "SELECT pg_create_physical_replication_slot('lifeboat_backup_' || pg_backend_pid(),"
              + " true, true)");
      try (ResultSet row =
          sql.executeQuery(
              "SELECT restart_lsn::text, (SELECT timeline_id FROM pg_control_checkpoint())"
                  + " FROM pg_replication_slots"
                  + " WHERE slot_name = 'lifeboat_backup_' || pg_backend_pid()")) {
        row.next();
        return new Reservation(Lsn.parse(row.getString(1)), row.getLong(2));
      }
    }
  }

  /** Starts the backup with a fast checkpoint; call {@link #reserveWal} first. */
  public long start(String label) throws SQLException {
    String call =
        versionNumber >= 150000
            ? "SELECT pg_backup_start(?, true)::text"
            : "SELECT pg_start_backup(?, true, false)::text";
    try (PreparedStatement start = connection.prepareStatement(call)) {
      start.setString(1, label);
      try (ResultSet row = start.executeQuery()) {
        row.next();
        startLsn = Lsn.parse(row.getString(1));
      }
    }
    started = true;
    return startLsn;
  }

  /** Ends the backup without waiting for WAL archiving (the backup copies its own WAL). */
  public Stop stop() throws SQLException, IOException {
    if (!started) {
      throw new IllegalStateException("the backup was not started");
    }
    String call =
        versionNumber >= 150000
            ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
            : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
    try (Statement sql = connection.createStatement();
        ResultSet row = sql.executeQuery(call)) {
      row.next();
      started = false;
      String label = row.getString(2);
      Matcher timeline = START_TIMELINE.matcher(label);
      if (!timeline.find()) {
        throw new IOException("the backup_label PostgreSQL returned has no START TIMELINE line");
      }
      String map = row.getString(3);
      return new Stop(
          Lsn.parse(row.getString(1)),
          Long.parseLong(timeline.group(1)),
          label.getBytes(StandardCharsets.UTF_8),
          map == null ? new byte[0] : map.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Ends the session; a backup still running is aborted by the server. */
  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
