package dev.lifeboat.activities.backup.files;

import dev.lifeboat.activities.archive.WalSegments;
import dev.lifeboat.activities.manifest.BackupSetWriter;
import dev.lifeboat.activities.manifest.FileEntry;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.workflows.model.Lsn;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base backup that reads the data directory's files itself, between {@code pg_backup_start} and
 * {@code pg_backup_stop}, with several readers at once, into bundles. Taken against a parent, it
 * keeps of each relation file only the pages written since the parent started (a page delta), as
 * WAL-G's delta backups do, and stores other files whole. In both cases the WAL from the backup's
 * start to its stop and the {@code backup_label} are stored with it, so the backup is consistent on
 * its own (with its chain).
 */
public final class FilesBackup {

  private static final Logger log = LoggerFactory.getLogger(FilesBackup.class);

  /** About how many bytes a bundle reads from disk. */
  public static final long DEFAULT_BUNDLE_BYTES = 64L << 20;

  private final LowLevelBackupSession session;
  private final BackupSetWriter writer;
  private final int readers;
  private final long bundleBytes;
  private final LongConsumer bytesRead;
  private final LongAdder totalRead = new LongAdder();
  private final ChangedPages changedPages = new ChangedPages();

  /**
   * What the parent of an incremental tells the delta.
   *
   * @param backupId the parent's id, for messages
   * @param timeline the parent's timeline
   * @param startLsn the parent's start LSN
   * @param stopLsn the parent's stop LSN: the incremental stores the WAL from here on
   * @param startTime when the parent started, before its {@code pg_backup_start}
   * @param fileSizes every file of the parent's data directory and its size there
   * @param pages the parent chain's pages, read back from the store so changed pages can be stored
   *     as differences; null to store changed pages whole
   */
  public record Parent(
      String backupId,
      long timeline,
      long startLsn,
      long stopLsn,
      Instant startTime,
      Map<String, Long> fileSizes,
      ParentPages pages) {}

  /**
   * Slack for file systems with coarse timestamps: a file is only trusted to be unchanged when it
   * was last written this long before the parent started.
   */
  static final Duration TIMESTAMP_SLACK = Duration.ofSeconds(2);

  /** Answers whether the WAL archive already holds a segment. */
  @FunctionalInterface
  public interface WalArchiveCheck {
    boolean contains(String segment) throws IOException;
  }

  /** The WAL between the parent and this backup is gone from the server: the chain has a gap. */
  public static final class WalGapException extends IOException {
    WalGapException(String message) {
      super(message);
    }
  }

  /** The parent cannot carry an incremental taken now. */
  public static final class ParentNotUsableException extends IOException {
    ParentNotUsableException(String message) {
      super(message);
    }
  }

  /**
   * What was backed up.
   *
   * @param startLsn where the backup starts
   * @param stop what {@code pg_backup_stop} returned
   * @param files every file of the data directory, sorted by path
   * @param directories every folder to recreate
   * @param bytesRead bytes read from the data directory
   * @param walSegments the WAL segments stored with the backup
   * @param pageChecks the data page checksums verified, or null when the cluster has none
   */
  public record Result(
      long startLsn,
      LowLevelBackupSession.Stop stop,
      List<FileEntry> files,
      List<String> directories,
      long bytesRead,
      List<String> walSegments,
      PageChecks pageChecks) {}

  /**
   * @param session a held session, not yet started
   * @param writer where the bundles go
   * @param readers bundles read and written at once
   * @param bundleBytes target size of a bundle
   * @param maxBytesPerSecond the cap on the bytes all readers together read from the data directory
   *     per second ({@code backup.maxRate}), or 0 for none
   * @param bytesRead told of each read from disk, for progress
   */
  public FilesBackup(
      LowLevelBackupSession session,
      BackupSetWriter writer,
      int readers,
      long bundleBytes,
      long maxBytesPerSecond,
      LongConsumer bytesRead) {
    this.session = session;
    this.writer = writer;
    this.readers = Math.max(1, readers);
    this.bundleBytes = bundleBytes;
    this.bytesRead = ReadThrottle.of(bytesRead, maxBytesPerSecond);
  }

  /** Estimates the bytes a backup of the data directory reads. */
  public static long estimate(Path dataDirectory) throws IOException {
    return DataDirectoryScan.scan(dataDirectory).totalBytes();
  }

  /**
   * Takes the backup.
   *
   * @param label the backup label, such as the backup id
   * @param parent the parent of an incremental, or null for a full backup
   */
  public Result run(String label, Parent parent) throws IOException, SQLException {
    return run(label, parent, segment -> false);
  }

  /**
   * Takes the backup.
   *
   * @param label the backup label, such as the backup id
   * @param parent the parent of an incremental, or null for a full backup
   * @param archived whether a WAL segment is already sealed in the WAL archive of the destination;
   *     an incremental stores only the segments since its parent that the archive lacks
   */
  public Result run(String label, Parent parent, WalArchiveCheck archived)
      throws IOException, SQLException {
    Path dataDirectory = session.dataDirectory();
    if (!Files.isReadable(dataDirectory.resolve("global").resolve("pg_control"))) {
      throw new IOException(
          "cannot read the data directory "
              + dataDirectory
              + " on this worker: the files method needs the worker on the database host with"
              + " read access; use the stream method");
    }
    long began = System.nanoTime();
    LowLevelBackupSession.Reservation reserved = session.reserveWal();
    List<FileEntry> entries = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    int bundleNumber = 1;
    if (parent != null) {
      // The WAL from the parent's stop up to the reservation is read before the backup's
      // checkpoint, which may recycle it; from the reservation on, the slot keeps it.
      List<String> sinceParent = new ArrayList<>();
      for (String segment : walSinceParent(parent, reserved)) {
        if (!archived.contains(segment)) {
          sinceParent.add(segment);
        }
      }
      List<BundlePlanner.Bundle> walBundles =
          BundlePlanner.plan(walSources(dataDirectory, sinceParent, parent), bundleBytes, 1);
      entries.addAll(writeAll(walBundles, null, null));
      segments.addAll(sinceParent);
      bundleNumber += walBundles.size();
    }
    long walDone = System.nanoTime();
    long startLsn = session.start(label);
    long started = System.nanoTime();
    PageChecks pageChecks =
        session.dataChecksums() ? new PageChecks(startLsn, session.segmentBlocks()) : null;
    DataDirectoryScan.Result scan = DataDirectoryScan.scan(dataDirectory);
    List<BundleSource> sources = new ArrayList<>();
    for (DataDirectoryScan.ScannedFile file : scan.files()) {
      if (unchangedSinceParent(file, parent)) {
        entries.add(new FileEntry(file.path(), file.size(), FileEntry.Kind.UNCHANGED, null, 0, 0));
      } else {
        sources.add(source(file, parent));
      }
    }
    List<BundlePlanner.Bundle> dataBundles = BundlePlanner.plan(sources, bundleBytes, bundleNumber);
    entries.addAll(writeAll(dataBundles, parent == null ? null : parent.pages(), pageChecks));
    bundleNumber += dataBundles.size();
    long filesDone = System.nanoTime();

    LowLevelBackupSession.Stop stop = session.stop();
    long stopped = System.nanoTime();
    long segmentSize = session.walSegmentSize();
    int timeline = (int) stop.timeline();
    // Consistency needs the WAL from the start checkpoint on. Between the reservation and that
    // checkpoint only an incremental needs WAL (the chain's, since its parent), and only what the
    // archive does not already hold; the slot kept it until now.
    List<String> consistencySegments =
        WalSegments.between(timeline, startLsn, stop.stopLsn(), segmentSize);
    List<String> beforeStart = new ArrayList<>();
    if (parent != null
        && Long.compareUnsigned(
                Long.divideUnsigned(reserved.lsn(), segmentSize),
                Long.divideUnsigned(startLsn, segmentSize))
            < 0) {
      for (String segment :
          WalSegments.between(
              timeline,
              reserved.lsn(),
              Long.divideUnsigned(startLsn, segmentSize) * segmentSize - 1,
              segmentSize)) {
        if (!archived.contains(segment)) {
          beforeStart.add(segment);
        }
      }
    }
    List<BundleSource> consistency = new ArrayList<>(walSources(dataDirectory, beforeStart, null));
    consistency.addAll(walSources(dataDirectory, consistencySegments, null));
    segments.addAll(beforeStart);
    segments.addAll(consistencySegments);
    consistency.add(new BundleSource.InMemory("backup_label", stop.backupLabel()));
    if (stop.tablespaceMap().length > 0) {
      consistency.add(new BundleSource.InMemory("tablespace_map", stop.tablespaceMap()));
    }
    entries.addAll(
        writeAll(BundlePlanner.plan(consistency, bundleBytes, bundleNumber), null, null));
    entries.sort(Comparator.comparing(FileEntry::path));
    log.info(
        "{}: WAL since the parent {} ms, pg_backup_start {} ms, {} data bundles {} ms"
            + " ({} bytes read; changed pages: {}; page checksums: {}), pg_backup_stop {} ms,"
            + " consistency WAL and label {} ms",
        label,
        millis(walDone - began),
        millis(started - walDone),
        dataBundles.size(),
        millis(filesDone - started),
        totalRead.sum(),
        changedPages,
        pageChecks == null ? "none in this cluster" : pageChecks,
        millis(stopped - filesDone),
        millis(System.nanoTime() - stopped));
    return new Result(
        startLsn,
        stop,
        List.copyOf(entries),
        scan.directories(),
        totalRead.sum(),
        segments,
        pageChecks);
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }

  /**
   * The segments from the parent's stop up to, not including, the one the slot reserved from.
   *
   * @throws ParentNotUsableException when the cluster changed timeline since the parent
   */
  private List<String> walSinceParent(Parent parent, LowLevelBackupSession.Reservation reserved)
      throws IOException {
    if (parent.timeline() != reserved.timeline()) {
      throw new ParentNotUsableException(
          "backup "
              + parent.backupId()
              + " was taken on timeline "
              + parent.timeline()
              + " and the cluster is now on timeline "
              + reserved.timeline()
              + " (a failover happened since): take a full backup");
    }
    long size = session.walSegmentSize();
    long first = Long.divideUnsigned(parent.stopLsn(), size);
    long reservedSegment = Long.divideUnsigned(reserved.lsn(), size);
    if (Long.compareUnsigned(first, reservedSegment) >= 0) {
      return List.of();
    }
    return WalSegments.between(
        (int) reserved.timeline(), parent.stopLsn(), reservedSegment * size - 1, size);
  }

  /**
   * The sources for WAL segments in {@code pg_wal}.
   *
   * @param parent the parent whose WAL continues into them, for the message of a gap; null for the
   *     segments the temporary slot holds
   */
  private static List<BundleSource> walSources(
      Path dataDirectory, List<String> segments, Parent parent) throws IOException {
    List<BundleSource> sources = new ArrayList<>();
    for (String segment : segments) {
      Path file = dataDirectory.resolve("pg_wal").resolve(segment);
      if (!Files.isRegularFile(file)) {
        if (parent != null) {
          throw new WalGapException(
              "WAL segment "
                  + segment
                  + " (after the stop of parent backup "
                  + parent.backupId()
                  + " at "
                  + Lsn.format(parent.stopLsn())
                  + ") is no longer on the server, so an incremental would leave a gap in the"
                  + " chain: run the WAL archiver (strategy continuous), raise wal_keep_size, or"
                  + " take a full backup");
        }
        throw new IOException(
            "WAL segment "
                + segment
                + " needed to make the backup consistent is not in "
                + file.getParent()
                + " although a slot reserved it");
      }
      sources.add(new BundleSource.WholeFile("pg_wal/" + segment, file, Files.size(file)));
    }
    return sources;
  }

  /**
   * Whether a file is the parent's without reading it: same size, and last written before the
   * parent started. Sound because the backup's start checkpoint has flushed every change made
   * before it, so a file whose pages changed after the parent started was written to since; later
   * changes are replayed from the backup's own WAL. Like pgBackRest, this trusts modification times
   * that nothing but PostgreSQL sets.
   */
  private static boolean unchangedSinceParent(DataDirectoryScan.ScannedFile file, Parent parent) {
    if (parent == null || parent.startTime() == null) {
      return false;
    }
    Long parentSize = parent.fileSizes().get(file.path());
    return parentSize != null
        && parentSize == file.size()
        && file.lastModified().isBefore(parent.startTime().minus(TIMESTAMP_SLACK));
  }

  /** A relation file the parent has, at least as long as there, is read as a page delta. */
  private static BundleSource source(DataDirectoryScan.ScannedFile file, Parent parent) {
    if (parent != null && file.relation()) {
      Long parentSize = parent.fileSizes().get(file.path());
      if (parentSize != null && file.size() >= parentSize) {
        return new BundleSource.PageDelta(
            file.path(), file.file(), file.size(), parentSize, parent.startLsn());
      }
    }
    return new BundleSource.WholeFile(file.path(), file.file(), file.size());
  }

  /**
   * Writes the bundles with up to {@code readers} at once; the first failure stops the rest.
   *
   * @param parentPages the parent chain's pages, or null
   * @param pageChecks verifies the data pages' checksums, or null
   */
  private List<FileEntry> writeAll(
      List<BundlePlanner.Bundle> bundles, ParentPages parentPages, PageChecks pageChecks)
      throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(readers, Math.max(1, bundles.size())),
            runnable -> {
              Thread thread = new Thread(runnable, "lifeboat-bundle-reader");
              thread.setDaemon(true);
              return thread;
            });
    try {
      List<Future<List<FileEntry>>> pending = new ArrayList<>();
      for (BundlePlanner.Bundle bundle : bundles) {
        pending.add(pool.submit(() -> write(bundle, parentPages, pageChecks)));
      }
      List<FileEntry> entries = new ArrayList<>();
      for (Future<List<FileEntry>> future : pending) {
        entries.addAll(future.get());
      }
      return entries;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("the backup was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } finally {
      pool.shutdownNow();
    }
  }

  private List<FileEntry> write(
      BundlePlanner.Bundle bundle, ParentPages parentPages, PageChecks pageChecks)
      throws IOException {
    LongConsumer counting =
        n -> {
          totalRead.add(n);
          bytesRead.accept(n);
        };
    // Each reader has its own cursor: the parent's streams are read forward by one thread.
    try (ParentPages.Cursor parent = parentPages == null ? null : parentPages.cursor();
        BundleStream stream =
            new BundleStream(
                bundle.object(), bundle.sources(), counting, parent, changedPages, pageChecks)) {
      writer.add(bundle.object(), stream, ProgressListener.NONE);
      return stream.entries();
    }
  }
}
