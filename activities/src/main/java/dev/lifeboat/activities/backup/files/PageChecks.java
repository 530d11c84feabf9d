package dev.lifeboat.activities.backup.files;

import dev.lifeboat.activities.manifest.PageChecksumReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the data page checksums of the relation files a files backup reads, as {@code
 * pg_basebackup} and pgBackRest do on a cluster with data checksums: so that a page the disk
 * corrupted is reported when it is backed up, not found years later in a restore. One instance is
 * shared by the readers of a backup.
 *
 * <p>A page whose LSN is at or past the backup's start is not judged: the server changed it during
 * the backup, the read may have caught it half written, and WAL replay rewrites it from a full-page
 * image either way. A page that fails is read again once before it is reported, for the same
 * reason. A failure does not stop the backup (it holds what the disk holds, and the operator needs
 * a backup most when the disk is failing); it is logged, listed in the manifest and in the backup's
 * result.
 */
public final class PageChecks {

  private static final Logger log = LoggerFactory.getLogger(PageChecks.class);

  /** How many failed pages a backup lists by name; the count covers all. */
  public static final int MAX_LISTED = 100;

  /** Any fork of a relation: main, free space map, visibility map or init, and its segment. */
  private static final Pattern RELATION_FORK =
      Pattern.compile(
          "(?:global|base/\\d+|pg_tblspc/\\d+/[^/]+/\\d+)/\\d+(?:_(?:fsm|vm|init))?(?:\\.(\\d+))?");

  private final long startLsn;
  private final long segmentBlocks;
  private final LongAdder verified = new LongAdder();
  private final LongAdder changedDuringBackup = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final List<String> listed = new ArrayList<>();

  /**
   * @param startLsn the backup's start LSN
   * @param segmentBlocks blocks in a relation segment file ({@code segment_size}; 131,072 unless
   *     the server was built with another)
   */
  public PageChecks(long startLsn, long segmentBlocks) {
    this.startLsn = startLsn;
    this.segmentBlocks = segmentBlocks;
  }

  /**
   * A checker for one file, or null when the file is not made of checksummed pages.
   *
   * @param channel the open file, to read a failed page again
   */
  Verifier verifier(String path, FileChannel channel) {
    Matcher matcher = RELATION_FORK.matcher(path);
    if (channel == null || !matcher.matches()) {
      return null;
    }
    long segment = matcher.group(1) == null ? 0 : Long.parseLong(matcher.group(1));
    return new Verifier(path, channel, segment * segmentBlocks);
  }

  /** Pages whose checksum was computed. */
  public long verifiedPages() {
    return verified.sum();
  }

  /** Pages left to WAL replay because the server wrote them during the backup. */
  public long changedDuringBackup() {
    return changedDuringBackup.sum();
  }

  /** Pages that failed twice. */
  public long failedPages() {
    return failed.sum();
  }

  /** The first {@link #MAX_LISTED} failed pages, as {@code path block N}. */
  public synchronized List<String> failures() {
    return List.copyOf(listed);
  }

  /** What the manifest records of the verification. */
  public PageChecksumReport report() {
    return new PageChecksumReport(verifiedPages(), failedPages(), failures());
  }

  private void fail(String path, long block, int stored, int computed) {
    failed.increment();
    String where = path + " block " + block;
    synchronized (this) {
      if (listed.size() < MAX_LISTED) {
        listed.add(where);
        log.warn(
            "page checksum failure in {}: the page stores {} and its content makes {}; the backup"
                + " keeps the page as the disk holds it",
            where,
            stored,
            computed);
      }
    }
  }

  @Override
  public String toString() {
    return verifiedPages()
        + " verified, "
        + failedPages()
        + " failed, "
        + changedDuringBackup()
        + " changed during the backup";
  }

  /** Checks the pages of one file, given in order or by block. */
  final class Verifier {
    private final String path;
    private final FileChannel channel;
    private final long firstBlock;
    // A page split across two reads of a whole file, and where the next read starts.
    private final byte[] partial = new byte[PageHeader.PAGE_SIZE];
    private int partialLength;
    private long nextBlock;

    private Verifier(String path, FileChannel channel, long firstBlock) {
      this.path = path;
      this.channel = channel;
      this.firstBlock = firstBlock;
    }

    /** Takes the next {@code length} bytes of the file, read from its start in order. */
    void bytes(byte[] buffer, int offset, int length) throws IOException {
      while (length > 0) {
        if (partialLength == 0 && length >= PageHeader.PAGE_SIZE) {
          page(buffer, offset, nextBlock++);
          offset += PageHeader.PAGE_SIZE;
          length -= PageHeader.PAGE_SIZE;
          continue;
        }
        int taken = Math.min(PageHeader.PAGE_SIZE - partialLength, length);
        System.arraycopy(buffer, offset, partial, partialLength, taken);
        partialLength += taken;
        offset += taken;
        length -= taken;
        if (partialLength == PageHeader.PAGE_SIZE) {
          page(partial, 0, nextBlock++);
          partialLength = 0;
        }
      }
    }

    /** Checks the page at {@code offset}, block {@code block} of this file. */
    void page(byte[] buffer, int offset, long block) throws IOException {
      if (Long.compareUnsigned(PageHeader.lsn(buffer, offset), startLsn) >= 0) {
        changedDuringBackup.increment();
        return;
      }
      verified.increment();
      long blockOfFork = firstBlock + block;
      if (PageChecksum.verify(buffer, offset, blockOfFork)) {
        return;
      }
      byte[] again = new byte[PageHeader.PAGE_SIZE];
      ByteBuffer target = ByteBuffer.wrap(again);
      long position = block * PageHeader.PAGE_SIZE;
      while (target.hasRemaining()) {
        if (channel.read(target, position + target.position()) < 0) {
          // Truncated since: the page is gone, and WAL replay truncates the restored file too.
          return;
        }
      }
      if (Long.compareUnsigned(PageHeader.lsn(again, 0), startLsn) >= 0
          || PageChecksum.verify(again, 0, blockOfFork)) {
        return;
      }
      fail(path, block, PageChecksum.stored(again, 0), PageChecksum.compute(again, 0, blockOfFork));
    }
  }
}
