package dev.lifeboat.activities.backup.files;

import com.github.luben.zstd.ZstdCompressCtx;
import dev.lifeboat.activities.manifest.FileEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * The plain bytes of one bundle: its sources' contents one after the other, read lazily, so a
 * bundle of any size streams through the data plane without being staged. As it goes it records
 * each file's {@link FileEntry} (offset and length in the bundle). A file that vanished since the
 * scan (a dropped table) is left out: WAL replay would remove it anyway.
 */
public final class BundleStream extends InputStream {

  private final String object;
  private final Iterator<BundleSource> sources;
  private final LongConsumer bytesRead;
  private final ParentPages.Cursor parent;
  private final List<FileEntry> entries = new ArrayList<>();
  private final ChangedPages changedPages;
  private final PageChecks pageChecks;
  private ZstdCompressCtx patcher;
  private long offset;
  private Piece current;
  private long currentStart;

  /**
   * @param object the bundle's object path, recorded in the entries
   * @param sources what it holds, in order
   * @param bytesRead told how many bytes were read from disk, for progress
   * @param parent the parent chain's pages, so a changed page is stored as its difference from the
   *     parent's; null to store changed pages whole
   * @param changedPages told how each changed page was stored
   * @param pageChecks verifies the checksums of the relation pages stored, or null when the cluster
   *     has no data checksums
   */
  public BundleStream(
      String object,
      List<BundleSource> sources,
      LongConsumer bytesRead,
      ParentPages.Cursor parent,
      ChangedPages changedPages,
      PageChecks pageChecks) {
    this.pageChecks = pageChecks;
    this.object = object;
    this.sources = List.copyOf(sources).iterator();
    this.bytesRead = bytesRead;
    this.parent = parent;
    this.changedPages = changedPages;
  }

  /** The zstd context for page patches, made on first use and closed with the stream. */
  private ZstdCompressCtx patcher() {
    if (patcher == null) {
      patcher = PageRecords.patcher();
    }
    return patcher;
  }

  /** The entries of the files read so far; complete once the stream has ended. */
  public List<FileEntry> entries() {
    return List.copyOf(entries);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] buffer, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (current == null) {
        if (!sources.hasNext()) {
          return -1;
        }
        current = open(sources.next());
        currentStart = offset;
        continue;
      }
      int n = current.read(buffer, off, len);
      if (n >= 0) {
        offset += n;
        return n;
      }
      FileEntry entry = current.finish(object, currentStart, offset - currentStart);
      if (entry != null) {
        entries.add(entry);
      }
      current.close();
      current = null;
    }
  }

  @Override
  public void close() throws IOException {
    if (patcher != null) {
      patcher.close();
      patcher = null;
    }
    if (current != null) {
      current.close();
      current = null;
    }
  }

  private Piece open(BundleSource source) throws IOException {
    if (source instanceof BundleSource.InMemory memory) {
      return new MemoryPiece(memory);
    }
    if (source instanceof BundleSource.WholeFile whole) {
      return WholePiece.open(whole, bytesRead, pageChecks);
    }
    BundleSource.PageDelta delta = (BundleSource.PageDelta) source;
    return DeltaPiece.open(
        delta,
        bytesRead,
        parent == null ? null : parent.file(delta.path()),
        changedPages,
        this::patcher,
        pageChecks);
  }

  /** Produces one source's content and then its entry. */
  private interface Piece {
    int read(byte[] buffer, int off, int len) throws IOException;

    /** The entry for what was produced, or null to leave the file out. */
    FileEntry finish(String object, long start, long length);

    void close() throws IOException;
  }

  private static final class MemoryPiece implements Piece {
    private final BundleSource.InMemory source;
    private final ByteArrayInputStream in;

    MemoryPiece(BundleSource.InMemory source) {
      this.source = source;
      this.in = new ByteArrayInputStream(source.content());
    }

    @Override
    public int read(byte[] buffer, int off, int len) {
      return in.read(buffer, off, len);
    }

    @Override
    public FileEntry finish(String object, long start, long length) {
      return new FileEntry(source.path(), length, FileEntry.Kind.WHOLE, object, start, length);
    }

    @Override
    public void close() {}
  }

  /** A file read whole, up to its scanned size; a vanished file yields no entry. */
  private static final class WholePiece implements Piece {
    private final BundleSource.WholeFile source;
    private final FileChannel channel;
    private final LongConsumer bytesRead;
    private final PageChecks.Verifier verifier;
    private long remaining;

    private WholePiece(
        BundleSource.WholeFile source,
        FileChannel channel,
        LongConsumer bytesRead,
        PageChecks pageChecks) {
      this.source = source;
      this.channel = channel;
      this.bytesRead = bytesRead;
      this.remaining = source.size();
      this.verifier = pageChecks == null ? null : pageChecks.verifier(source.path(), channel);
    }

    static WholePiece open(
        BundleSource.WholeFile source, LongConsumer bytesRead, PageChecks pageChecks)
        throws IOException {
      return new WholePiece(source, openIfPresent(source.file()), bytesRead, pageChecks);
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      if (channel == null || remaining == 0) {
        return -1;
      }
      int n = channel.read(ByteBuffer.wrap(buffer, off, (int) Math.min(len, remaining)));
      if (n < 0) {
        // Truncated while we read: WAL replay restores what the truncation left.
        remaining = 0;
        return -1;
      }
      remaining -= n;
      bytesRead.accept(n);
      if (verifier != null) {
        verifier.bytes(buffer, off, n);
      }
      return n;
    }

    @Override
    public FileEntry finish(String object, long start, long length) {
      return channel == null
          ? null
          : new FileEntry(source.path(), length, FileEntry.Kind.WHOLE, object, start, length);
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  /**
   * Reads a relation file page by page and emits only the pages the parent does not hold: those
   * whose LSN is at or after the parent's start, those past the parent's end, and never-written
   * (LSN zero) pages, which may replace an older page at the same block after a truncation. With
   * the parent's pages at hand, a changed page the parent has is emitted as its difference from the
   * parent's page when that is mostly zeros ({@link PageRecords}).
   */
  private static final class DeltaPiece implements Piece {
    private static final int PAGES_PER_READ = 128;

    private final BundleSource.PageDelta source;
    private final FileChannel channel;
    private final LongConsumer bytesRead;
    private final ParentPages.FilePages parentPages;
    private final ChangedPages counts;
    private final Supplier<ZstdCompressCtx> patcher;
    private final PageChecks.Verifier verifier;
    private final byte[] parentPage = new byte[PageHeader.PAGE_SIZE];
    private final byte[] predicted = new byte[PageHeader.PAGE_SIZE];
    private byte[] difference = new byte[PageHeader.PAGE_SIZE];
    private byte[] candidate = new byte[PageHeader.PAGE_SIZE];
    // The inserted items of the aligned difference kept for the page being emitted, if any.
    private final int[] inserted = new int[AlignedPage.MAX_ITEMS];
    private final int[] tried = new int[AlignedPage.MAX_ITEMS];
    private int insertedCount;
    private boolean aligned;
    private final byte[] patch = new byte[PageRecords.PATCH_CAPACITY];
    private final byte[] pages = new byte[PAGES_PER_READ * PageHeader.PAGE_SIZE];
    // Grown when a read's records need more, which only long lists of inserted items do.
    private byte[] out =
        new byte[PAGES_PER_READ * (PageRecords.DIFFERENCE_RECORD + 64) + PageRecords.MAX_RECORD];
    private int outLength;
    private int outPosition;
    private long nextBlock;
    private final long blocksToRead;
    private long pagesEmitted;
    private boolean ended;

    private DeltaPiece(
        BundleSource.PageDelta source,
        FileChannel channel,
        LongConsumer bytesRead,
        ParentPages.FilePages parentPages,
        ChangedPages counts,
        Supplier<ZstdCompressCtx> patcher,
        PageChecks pageChecks) {
      this.verifier = pageChecks == null ? null : pageChecks.verifier(source.path(), channel);
      this.source = source;
      this.channel = channel;
      this.bytesRead = bytesRead;
      this.parentPages = parentPages;
      this.counts = counts;
      this.patcher = patcher;
      this.blocksToRead = source.size() / PageHeader.PAGE_SIZE;
    }

    static DeltaPiece open(
        BundleSource.PageDelta source,
        LongConsumer bytesRead,
        ParentPages.FilePages parentPages,
        ChangedPages counts,
        Supplier<ZstdCompressCtx> patcher,
        PageChecks pageChecks)
        throws IOException {
      return new DeltaPiece(
          source,
          openIfPresent(source.file()),
          bytesRead,
          parentPages,
          counts,
          patcher,
          pageChecks);
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
      while (outPosition == outLength) {
        if (!fill()) {
          return -1;
        }
      }
      int n = Math.min(len, outLength - outPosition);
      System.arraycopy(out, outPosition, buffer, off, n);
      outPosition += n;
      return n;
    }

    /** Reads the next pages and keeps the changed ones; false at the end of the file. */
    private boolean fill() throws IOException {
      if (channel == null || ended || nextBlock >= blocksToRead) {
        ended = true;
        return false;
      }
      int wanted = (int) Math.min(PAGES_PER_READ, blocksToRead - nextBlock);
      ByteBuffer target = ByteBuffer.wrap(pages, 0, wanted * PageHeader.PAGE_SIZE);
      while (target.hasRemaining()) {
        if (channel.read(target) < 0) {
          break;
        }
      }
      int full = target.position() / PageHeader.PAGE_SIZE;
      bytesRead.accept(target.position());
      if (full < wanted) {
        // Truncated while we read: keep the whole pages we have; WAL replay does the rest.
        ended = true;
      }
      outLength = 0;
      outPosition = 0;
      long parentBlocks = source.parentSize() / PageHeader.PAGE_SIZE;
      for (int i = 0; i < full; i++) {
        long block = nextBlock + i;
        long lsn = PageHeader.lsn(pages, i * PageHeader.PAGE_SIZE);
        boolean changed =
            block >= parentBlocks
                || lsn == 0
                || Long.compareUnsigned(lsn, source.parentStartLsn()) >= 0;
        if (changed) {
          if (verifier != null) {
            verifier.page(pages, i * PageHeader.PAGE_SIZE, block);
          }
          emit(block, i * PageHeader.PAGE_SIZE, lsn != 0 && block < parentBlocks);
          pagesEmitted++;
        }
      }
      nextBlock += full;
      return true;
    }

    /**
     * Takes the difference from the chain's page aligned with the first {@code count} items of
     * {@link #tried} as inserted when it changes fewer bytes than the one kept so far, and returns
     * the bytes the kept one changes.
     */
    private int alignIfBetter(int count, int offset, int changed) {
      AlignedPage.predict(parentPage, pages, offset, tried, count, predicted);
      int alignedChanged = PageRecords.difference(pages, offset, predicted, candidate, 0);
      if (alignedChanged >= changed) {
        return changed;
      }
      byte[] better = candidate;
      candidate = difference;
      difference = better;
      aligned = true;
      insertedCount = count;
      System.arraycopy(tried, 0, inserted, 0, count);
      return alignedChanged;
    }

    /** Appends the page at {@code offset} of the read buffer as a record. */
    private void emit(long block, int offset, boolean parentHasIt) throws IOException {
      if (out.length - outLength < PageRecords.MAX_RECORD) {
        out = Arrays.copyOf(out, Math.max(2 * out.length, outLength + PageRecords.MAX_RECORD));
      }
      int at = outLength;
      if (parentHasIt && parentPages != null) {
        parentPages.page(block, parentPage);
        int changed = PageRecords.difference(pages, offset, parentPage, difference, 0);
        aligned = false;
        if (changed > PageRecords.SMALL_DIFFERENCE) {
          // Pruning moved the tuples, or index inserts the line pointers: aligned to the new page,
          // the chain's page mostly agrees with it again.
          changed = alignIfBetter(0, offset, changed);
          if (changed > PageRecords.SMALL_DIFFERENCE) {
            int found = AlignedPage.insertions(parentPage, pages, offset, tried);
            if (found > 0) {
              changed = alignIfBetter(found, offset, changed);
            }
          }
        }
        // A patch is tried when the difference kept is not under PATCH_WORTHWHILE, and kept when it
        // is smaller than the changed bytes (about what the difference compresses to) or the only
        // option.
        int patched =
            changed <= PageRecords.PATCH_WORTHWHILE
                ? -1
                : PageRecords.patch(patcher.get(), pages, offset, parentPage, patch);
        boolean differenceFits = changed <= PageRecords.MAX_CHANGED_BYTES;
        if (patched > 0 && (!differenceFits || patched < changed)) {
          int length = PageRecords.putPatch(out, at, block, checksum(offset), patch, patched);
          outLength += length;
          counts.storedAsPatch(length);
          return;
        }
        if (differenceFits) {
          outLength +=
              aligned
                  ? PageRecords.putAligned(
                      out, at, block, checksum(offset), inserted, insertedCount, difference)
                  : PageRecords.putDifference(out, at, block, checksum(offset), difference);
          counts.storedAsDifference(aligned);
          return;
        }
      }
      outLength += PageRecords.putWhole(out, at, block, pages, offset);
      counts.storedWhole();
    }

    private int checksum(int offset) {
      return PageRecords.checksum(pages, offset);
    }

    @Override
    public FileEntry finish(String object, long start, long length) {
      if (channel == null) {
        return null;
      }
      long size = nextBlock * PageHeader.PAGE_SIZE;
      if (pagesEmitted == 0 && size == source.parentSize()) {
        return new FileEntry(source.path(), size, FileEntry.Kind.UNCHANGED, null, 0, 0);
      }
      return new FileEntry(source.path(), size, FileEntry.Kind.DELTA, object, start, length);
    }

    @Override
    public void close() throws IOException {
      if (channel != null) {
        channel.close();
      }
    }
  }

  private static FileChannel openIfPresent(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
