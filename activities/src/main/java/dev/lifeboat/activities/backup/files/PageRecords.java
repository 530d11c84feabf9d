package dev.lifeboat.activities.backup.files;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import com.github.luben.zstd.ZstdException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The records of a page delta, written by an incremental backup and applied by a restore. A record
 * is either a whole page or a page's difference from the page the chain restores at that block:
 *
 * <ul>
 *   <li>whole: a 4-byte big-endian block number (top two bits clear), then the 8192-byte page;
 *   <li>difference: the block number with the top bit set, the CRC-32C of the resulting page, then
 *       the 8192 bytes XORed with the chain's page;
 *   <li>aligned difference: the block number with the second bit set (the top one clear), the
 *       CRC-32C of the resulting page, how many items an index insert added (2 bytes) and their
 *       item numbers (2 bytes each, ascending), then the 8192 bytes XORed with the chain's page
 *       aligned to the new one: its line pointers moved along past the inserted items and its
 *       tuples moved where the new page's line pointers put them ({@link AlignedPage});
 *   <li>patch: the block number with the top two bits set, the CRC-32C of the resulting page, the
 *       patch's length (4 bytes), then the patch: the page compressed by zstd with the chain's page
 *       as its dictionary (raw content), so that tuples a page compaction moved are found where
 *       they were.
 * </ul>
 *
 * <p>A difference is what makes an incremental small: an UPDATE of a few rows changes a few dozen
 * bytes of each heap page it touches and inserts one entry into each index leaf page, but a
 * page-level delta without it stores all 8 KB of every such page. XORed with the page before, the
 * unchanged bytes become zeros, which compress to almost nothing. The checksum makes a restore
 * refuse a difference applied to the wrong page instead of writing a damaged one. When many bytes
 * changed, usually because pruning compacted a heap page and moved its tuples or an index insert
 * moved half the line pointers along, the chain's page is first aligned to the new one ({@link
 * AlignedPage}); a patch, which finds moved bytes anywhere in the old page but costs ten times as
 * much, is tried only when neither difference is small, and kept when it is under a quarter of a
 * page.
 */
public final class PageRecords {

  /** Bytes of a whole-page record. */
  public static final int WHOLE_RECORD = 4 + PageHeader.PAGE_SIZE;

  /** Bytes of a difference record. */
  public static final int DIFFERENCE_RECORD = 8 + PageHeader.PAGE_SIZE;

  /** The top bit of the block number marks a difference record. */
  public static final int DIFFERENCE_FLAG = 0x8000_0000;

  /** With the top bit, the next one marks a patch record; alone, an aligned difference record. */
  public static final int PATCH_FLAG = 0x4000_0000;

  /** The second bit alone marks an aligned difference record. */
  public static final int ALIGNED_FLAG = PATCH_FLAG;

  /** Bytes of an aligned difference record before its list of inserted items. */
  public static final int ALIGNED_HEADER = 10;

  /** The most bytes any record takes: an aligned difference with the longest list. */
  public static final int MAX_RECORD =
      ALIGNED_HEADER + 2 * AlignedPage.MAX_ITEMS + PageHeader.PAGE_SIZE;

  /** Bytes of an aligned difference record with {@code inserted} items in its list. */
  public static int alignedRecord(int inserted) {
    return ALIGNED_HEADER + 2 * inserted + PageHeader.PAGE_SIZE;
  }

  /** Bytes of a patch record before the patch itself. */
  public static final int PATCH_HEADER = 12;

  /** The block number without the flags. */
  public static long block(int word) {
    return word & 0x3FFF_FFFFL;
  }

  /** Whether a record's first word marks a patch. */
  public static boolean isPatch(int word) {
    return (word & (DIFFERENCE_FLAG | PATCH_FLAG)) == (DIFFERENCE_FLAG | PATCH_FLAG);
  }

  /** Whether a record's first word marks a difference. */
  public static boolean isDifference(int word) {
    return (word & (DIFFERENCE_FLAG | PATCH_FLAG)) == DIFFERENCE_FLAG;
  }

  /** Whether a record's first word marks a difference from the chain's page aligned to the new. */
  public static boolean isAligned(int word) {
    return (word & (DIFFERENCE_FLAG | PATCH_FLAG)) == ALIGNED_FLAG;
  }

  /**
   * A patch is kept when it is this small: a whole page compresses to about a quarter of its size
   * in the bundle's own stream, and a patch (already compressed) compresses no further.
   */
  static final int MAX_PATCH_BYTES = PageHeader.PAGE_SIZE / 4;

  /** zstd level of patches, as the backups' default. */
  private static final int PATCH_LEVEL = 3;

  /**
   * A difference is only worth storing when most of the page is unchanged; a page rewritten by
   * VACUUM's compaction XORed with its old self compresses worse than the page alone.
   */
  static final int MAX_CHANGED_BYTES = PageHeader.PAGE_SIZE / 2;

  /**
   * A difference with at most this many changed bytes is kept as it is: it compresses to about that
   * size, and aligning the page first ({@link AlignedPage}) would save little.
   */
  static final int SMALL_DIFFERENCE = 128;

  /**
   * A difference (aligned or not) with at most this many changed bytes is kept without trying a
   * patch: it compresses to about that size, and a patch, which costs ten times as much CPU as the
   * difference, saves a few hundred bytes at most. Measured on the bench's mixed update with 128
   * here: 16,150 patches; with 512: 5,411, and 0.1-0.2 s less to read the files.
   */
  static final int PATCH_WORTHWHILE = 512;

  private PageRecords() {}

  /** Writes a big-endian 32-bit value. */
  static void putInt(byte[] out, int at, int value) {
    out[at] = (byte) (value >>> 24);
    out[at + 1] = (byte) (value >>> 16);
    out[at + 2] = (byte) (value >>> 8);
    out[at + 3] = (byte) value;
  }

  /** Reads a big-endian 32-bit value. */
  static int getInt(byte[] in, int at) {
    return (in[at] & 0xFF) << 24
        | (in[at + 1] & 0xFF) << 16
        | (in[at + 2] & 0xFF) << 8
        | (in[at + 3] & 0xFF);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_SEVEN = 0x7F7F_7F7F_7F7F_7F7FL;

  /**
   * XORs {@code page} (at {@code pageOffset}) with {@code before} into {@code out} and returns how
   * many bytes differ. Eight bytes at a time: in each word, adding 0x7F to every byte's low seven
   * bits and or-ing the byte itself sets the high bit of exactly the nonzero bytes.
   */
  static int difference(byte[] page, int pageOffset, byte[] before, byte[] out, int outOffset) {
    int changed = 0;
    for (int i = 0; i < PageHeader.PAGE_SIZE; i += 8) {
      long x = (long) LONGS.get(page, pageOffset + i) ^ (long) LONGS.get(before, i);
      LONGS.set(out, outOffset + i, x);
      if (x != 0) {
        changed += Long.bitCount((((x & LOW_SEVEN) + LOW_SEVEN) | x) & ~LOW_SEVEN);
      }
    }
    return changed;
  }

  /**
   * XORs {@code difference} into {@code page} in place, turning the chain's page into the new one.
   */
  public static void apply(byte[] page, byte[] difference) {
    for (int i = 0; i < PageHeader.PAGE_SIZE; i += 8) {
      LONGS.set(page, i, (long) LONGS.get(page, i) ^ (long) LONGS.get(difference, i));
    }
  }

  /**
   * Turns the chain's page into the new one with an aligned difference, in place, in the two steps
   * of {@link AlignedPage}: the header (taken against the chain's page itself) gives the new {@code
   * pd_lower}, with which the line pointers are predicted and rebuilt; they say where the chain's
   * tuples go.
   *
   * @param inserted the record's inserted items
   * @param count how many
   * @param before scratch for the chain's page
   * @param predicted scratch for the aligned page
   */
  static void applyAligned(
      byte[] page, byte[] difference, int[] inserted, int count, byte[] before, byte[] predicted) {
    System.arraycopy(page, 0, before, 0, PageHeader.PAGE_SIZE);
    apply(page, difference);
    AlignedPage.linePointers(before, AlignedPage.lower(page, 0), inserted, count, predicted);
    System.arraycopy(predicted, 0, page, 0, PageHeader.PAGE_SIZE);
    apply(page, difference);
    AlignedPage.tuples(before, page, 0, inserted, count, predicted);
    System.arraycopy(predicted, 0, page, 0, PageHeader.PAGE_SIZE);
    apply(page, difference);
  }

  /**
   * Writes a whole-page record at {@code at} of {@code out}.
   *
   * @return the record's length
   */
  static int putWhole(byte[] out, int at, long block, byte[] page, int pageOffset) {
    putInt(out, at, (int) block);
    System.arraycopy(page, pageOffset, out, at + 4, PageHeader.PAGE_SIZE);
    return WHOLE_RECORD;
  }

  /**
   * Writes a difference record.
   *
   * @param checksum the CRC-32C of the page the difference makes
   * @return the record's length
   */
  static int putDifference(byte[] out, int at, long block, int checksum, byte[] difference) {
    putInt(out, at, (int) block | DIFFERENCE_FLAG);
    putInt(out, at + 4, checksum);
    System.arraycopy(difference, 0, out, at + 8, PageHeader.PAGE_SIZE);
    return DIFFERENCE_RECORD;
  }

  /**
   * Writes an aligned difference record.
   *
   * @param inserted the inserted items it was aligned with, ascending
   * @param count how many
   * @return the record's length
   */
  static int putAligned(
      byte[] out, int at, long block, int checksum, int[] inserted, int count, byte[] difference) {
    putInt(out, at, (int) block | ALIGNED_FLAG);
    putInt(out, at + 4, checksum);
    out[at + 8] = (byte) (count >>> 8);
    out[at + 9] = (byte) count;
    for (int i = 0; i < count; i++) {
      out[at + ALIGNED_HEADER + 2 * i] = (byte) (inserted[i] >>> 8);
      out[at + ALIGNED_HEADER + 2 * i + 1] = (byte) inserted[i];
    }
    int length = alignedRecord(count);
    System.arraycopy(difference, 0, out, at + length - PageHeader.PAGE_SIZE, PageHeader.PAGE_SIZE);
    return length;
  }

  /**
   * Writes a patch record.
   *
   * @return the record's length
   */
  static int putPatch(byte[] out, int at, long block, int checksum, byte[] patch, int length) {
    putInt(out, at, (int) block | DIFFERENCE_FLAG | PATCH_FLAG);
    putInt(out, at + 4, checksum);
    putInt(out, at + 8, length);
    System.arraycopy(patch, 0, out, at + PATCH_HEADER, length);
    return PATCH_HEADER + length;
  }

  /** A zstd context for making patches; one per thread, closed after use. */
  static ZstdCompressCtx patcher() {
    return new ZstdCompressCtx().setLevel(PATCH_LEVEL).setChecksum(false).setDictID(false);
  }

  /** Room for any patch: zstd's bound for a page. */
  static final int PATCH_CAPACITY = (int) Zstd.compressBound(PageHeader.PAGE_SIZE);

  /**
   * Compresses the page at {@code pageOffset} with {@code before} as its dictionary into {@code
   * scratch} (at least {@link #PATCH_CAPACITY} bytes) and returns the patch's length, or -1 when it
   * is not under {@link #MAX_PATCH_BYTES}. The output never runs short, so the context is left
   * ready for the next page.
   */
  static int patch(
      ZstdCompressCtx patcher, byte[] page, int pageOffset, byte[] before, byte[] scratch) {
    patcher.loadDict(before, ZstdDictContentType.RAW_CONTENT);
    int length =
        patcher.compressByteArray(
            scratch, 0, scratch.length, page, pageOffset, PageHeader.PAGE_SIZE);
    return length <= MAX_PATCH_BYTES ? length : -1;
  }

  /**
   * Turns the chain's page into the new one by decompressing a patch with it as the dictionary.
   *
   * @param page the chain's page in, the patched page out
   */
  public static void applyPatch(
      ZstdDecompressCtx unpatcher, byte[] page, byte[] patch, int length, byte[] scratch)
      throws IOException {
    unpatcher.loadDict(page, ZstdDictContentType.RAW_CONTENT);
    int n;
    try {
      n = unpatcher.decompressByteArray(scratch, 0, PageHeader.PAGE_SIZE, patch, 0, length);
    } catch (ZstdException e) {
      throw new IOException("a page patch does not decompress: " + e.getMessage(), e);
    }
    if (n != PageHeader.PAGE_SIZE) {
      throw new IOException("a page patch produced " + n + " bytes, not a page");
    }
    System.arraycopy(scratch, 0, page, 0, PageHeader.PAGE_SIZE);
  }

  /** The CRC-32C of a page, as stored in a difference record. */
  public static int checksum(byte[] buffer, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(buffer, offset, PageHeader.PAGE_SIZE);
    return (int) crc.getValue();
  }

  /** Where a {@link Reader} reads a delta's bytes from, in order. */
  @FunctionalInterface
  public interface Source {
    void readFully(byte[] into, int offset, int length) throws IOException;
  }

  /**
   * Reads a delta's records one at a time and turns the page the chain had at each record's block
   * into the record's page: the one reading of the record format, for the restore and for an
   * incremental rebuilding its parent chain's pages. Not thread-safe; close it to free its zstd
   * context.
   */
  public static final class Reader implements AutoCloseable {
    private final byte[] header = new byte[PATCH_HEADER];
    private final byte[] list = new byte[2 * AlignedPage.MAX_ITEMS];
    private final int[] inserted = new int[AlignedPage.MAX_ITEMS];
    private int insertedCount;
    private final byte[] content = new byte[PageHeader.PAGE_SIZE];
    private final byte[] scratch = new byte[PageHeader.PAGE_SIZE];
    private final byte[] predicted = new byte[PageHeader.PAGE_SIZE];
    private ZstdDecompressCtx unpatcher;
    private int word;
    private int expected;
    private int patchLength;

    /**
     * Reads the next record.
     *
     * @return the record's length in bytes
     * @throws IOException when the record is damaged or the source ends inside it
     */
    public int read(Source in) throws IOException {
      in.readFully(header, 0, 4);
      word = getInt(header, 0);
      if (isPatch(word)) {
        in.readFully(header, 4, 8);
        expected = getInt(header, 4);
        patchLength = getInt(header, 8);
        if (patchLength < 0 || patchLength > PageHeader.PAGE_SIZE) {
          throw new IOException(
              "block "
                  + block()
                  + " claims a patch of "
                  + patchLength
                  + " bytes: the delta is damaged");
        }
        in.readFully(content, 0, patchLength);
        return PATCH_HEADER + patchLength;
      }
      if (isDifference(word)) {
        in.readFully(header, 4, 4);
        expected = getInt(header, 4);
        in.readFully(content, 0, PageHeader.PAGE_SIZE);
        return DIFFERENCE_RECORD;
      }
      if (isAligned(word)) {
        in.readFully(header, 4, 6);
        expected = getInt(header, 4);
        insertedCount = (header[8] & 0xFF) << 8 | (header[9] & 0xFF);
        if (insertedCount > AlignedPage.MAX_ITEMS) {
          throw new IOException(
              "block "
                  + block()
                  + " claims "
                  + insertedCount
                  + " inserted items, more than a page holds: the delta is damaged");
        }
        in.readFully(list, 0, 2 * insertedCount);
        for (int i = 0; i < insertedCount; i++) {
          inserted[i] = (list[2 * i] & 0xFF) << 8 | (list[2 * i + 1] & 0xFF);
        }
        in.readFully(content, 0, PageHeader.PAGE_SIZE);
        return alignedRecord(insertedCount);
      }
      in.readFully(content, 0, PageHeader.PAGE_SIZE);
      return WHOLE_RECORD;
    }

    /** The block of the record read last. */
    public long block() {
      return PageRecords.block(word);
    }

    /** Whether the record read last changes the chain's page rather than replacing it. */
    public boolean needsPageBefore() {
      return isDifference(word) || isAligned(word) || isPatch(word);
    }

    /**
     * Turns {@code page}, the chain's page at the record's block (ignored for a whole page), into
     * the record's page.
     *
     * @return false when a difference or patch gives a page whose checksum is not the recorded one:
     *     it was taken against another page than the chain's
     */
    public boolean apply(byte[] page) throws IOException {
      if (isPatch(word)) {
        if (unpatcher == null) {
          unpatcher = new ZstdDecompressCtx();
        }
        applyPatch(unpatcher, page, content, patchLength, scratch);
      } else if (isDifference(word)) {
        PageRecords.apply(page, content);
      } else if (isAligned(word)) {
        applyAligned(page, content, inserted, insertedCount, scratch, predicted);
      } else {
        System.arraycopy(content, 0, page, 0, PageHeader.PAGE_SIZE);
        return true;
      }
      return checksum(page, 0) == expected;
    }

    @Override
    public void close() {
      if (unpatcher != null) {
        unpatcher.close();
        unpatcher = null;
      }
    }
  }
}
