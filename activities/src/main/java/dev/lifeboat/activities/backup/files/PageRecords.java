package dev.lifeboat.activities.backup.files;

import java.util.zip.CRC32C;

/**
 * The records of a page delta, written by an incremental backup and applied by a restore. A record
 * is either a whole page or a page's difference from the page the chain restores at that block:
 *
 * <ul>
 *   <li>whole: a 4-byte big-endian block number (top bit clear), then the 8192-byte page;
 *   <li>difference: the block number with the top bit set, the CRC-32C of the resulting page, then
 *       the 8192 bytes XORed with the chain's page.
 * </ul>
 *
 * <p>A difference is what makes an incremental small: an UPDATE of a few rows changes a few dozen
 * bytes of each heap page it touches and inserts one entry into each index leaf page, but a
 * page-level delta without it stores all 8 KB of every such page. XORed with the page before, the
 * unchanged bytes become zeros, which compress to almost nothing. The checksum makes a restore
 * refuse a difference applied to the wrong page instead of writing a damaged one.
 */
public final class PageRecords {

  /** Bytes of a whole-page record. */
  public static final int WHOLE_RECORD = 4 + PageHeader.PAGE_SIZE;

  /** Bytes of a difference record. */
  public static final int DIFFERENCE_RECORD = 8 + PageHeader.PAGE_SIZE;

  /** The top bit of the block number marks a difference record. */
  public static final int DIFFERENCE_FLAG = 0x8000_0000;

  /**
   * A difference is only worth storing when most of the page is unchanged; a page rewritten by
   * VACUUM's compaction XORed with its old self compresses worse than the page alone.
   */
  static final int MAX_CHANGED_BYTES = PageHeader.PAGE_SIZE / 2;

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

  /**
   * XORs {@code page} (at {@code pageOffset}) with {@code before} into {@code out} and returns how
   * many bytes differ.
   */
  static int difference(byte[] page, int pageOffset, byte[] before, byte[] out, int outOffset) {
    int changed = 0;
    for (int i = 0; i < PageHeader.PAGE_SIZE; i++) {
      int x = page[pageOffset + i] ^ before[i];
      out[outOffset + i] = (byte) x;
      if (x != 0) {
        changed++;
      }
    }
    return changed;
  }

  /**
   * XORs {@code difference} into {@code page} in place, turning the chain's page into the new one.
   */
  public static void apply(byte[] page, byte[] difference) {
    for (int i = 0; i < PageHeader.PAGE_SIZE; i++) {
      page[i] ^= difference[i];
    }
  }

  /** The CRC-32C of a page, as stored in a difference record. */
  public static int checksum(byte[] buffer, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(buffer, offset, PageHeader.PAGE_SIZE);
    return (int) crc.getValue();
  }
}
