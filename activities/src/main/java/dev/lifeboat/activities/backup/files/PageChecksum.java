package dev.lifeboat.activities.backup.files;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * PostgreSQL's data page checksum ({@code pg_checksum_page}), as a cluster initialised with {@code
 * initdb --data-checksums} stores it in {@code pd_checksum}: an FNV-1a variant over the page as 32
 * interleaved columns of 32-bit words (little-endian here, as on every platform PostgreSQL is
 * packaged for), taken with the checksum field zeroed, then mixed with the block number and folded
 * to 16 bits. Implemented from the algorithm's description in PostgreSQL's {@code
 * storage/checksum_impl.h}; the tests check it against pages a real server wrote.
 */
public final class PageChecksum {

  private static final int COLUMNS = 32;
  private static final int ROWS = PageHeader.PAGE_SIZE / (Integer.BYTES * COLUMNS);
  private static final int FNV_PRIME = 16777619;
  private static final VarHandle WORD =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** Each column's starting value, fixed by the algorithm. */
  private static final int[] BASE_OFFSETS = {
    0x5B1F36E9, 0xB8525960, 0x02AB50AA, 0x1DE66D2A,
    0x79FF467A, 0x9BB9F8A3, 0x217E7CD2, 0x83E13D2C,
    0xF8D4474F, 0xE39EB970, 0x42C6AE16, 0x993216FA,
    0x7B093B5D, 0x98DAFF3C, 0xF718902A, 0x0B1C9CDB,
    0xE58F764B, 0x187636BC, 0x5D7B3BB1, 0xE73DE7DE,
    0x92BEC979, 0xCCA6C0B2, 0x304A0979, 0x85AA43D4,
    0x783125BB, 0x6CA8EAA2, 0xE407EAC6, 0x4B5CFC3E,
    0x9FBF8C76, 0x15CA20BE, 0xF2CA9FD3, 0x959BD756
  };

  /** Offset of {@code pd_checksum} in the page header. */
  static final int CHECKSUM_OFFSET = 8;

  /** Offset of {@code pd_upper}, zero only in a page never initialised. */
  private static final int UPPER_OFFSET = 14;

  private PageChecksum() {}

  /** The checksum stored in the page at {@code offset}. */
  public static int stored(byte[] buffer, int offset) {
    return uint16(buffer, offset + CHECKSUM_OFFSET);
  }

  /**
   * The checksum PostgreSQL computes for the page at {@code offset} as block {@code block} of its
   * relation fork (counted across the fork's 1 GB segment files).
   */
  public static int compute(byte[] buffer, int offset, long block) {
    int[] sums = BASE_OFFSETS.clone();
    for (int row = 0; row < ROWS; row++) {
      int base = offset + row * COLUMNS * Integer.BYTES;
      for (int column = 0; column < COLUMNS; column++) {
        int word = (int) WORD.get(buffer, base + column * Integer.BYTES);
        if (row == 0 && column == CHECKSUM_OFFSET / Integer.BYTES) {
          // pd_checksum is the low half of this word; the sum is taken with it zeroed.
          word &= 0xFFFF0000;
        }
        int mixed = sums[column] ^ word;
        sums[column] = mixed * FNV_PRIME ^ (mixed >>> 17);
      }
    }
    // Two rounds of zeros mix the last words in further.
    int result = 0;
    for (int column = 0; column < COLUMNS; column++) {
      int sum = sums[column];
      for (int round = 0; round < 2; round++) {
        sum = sum * FNV_PRIME ^ (sum >>> 17);
      }
      result ^= sum;
    }
    result ^= (int) block;
    return Integer.remainderUnsigned(result, 65535) + 1;
  }

  /**
   * Whether the page at {@code offset} is intact as block {@code block}: its checksum matches, or
   * it was never initialised ({@code pd_upper} zero) and is all zeros, as PostgreSQL itself
   * accepts.
   */
  public static boolean verify(byte[] buffer, int offset, long block) {
    if (uint16(buffer, offset + UPPER_OFFSET) == 0) {
      return allZeros(buffer, offset);
    }
    return stored(buffer, offset) == compute(buffer, offset, block);
  }

  private static boolean allZeros(byte[] buffer, int offset) {
    for (int i = offset; i < offset + PageHeader.PAGE_SIZE; i++) {
      if (buffer[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static int uint16(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
  }
}
