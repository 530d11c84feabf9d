package dev.lifeboat.activities.backup.files;

import java.util.Random;

/**
 * Heap and index pages laid out as PostgreSQL lays them out (a 24-byte header, line pointers after
 * it, tuples packed against the end), pruned and inserted into as it does, for tests of page
 * differences.
 */
public final class HeapPages {

  private static final int LP_NORMAL = 1;

  private HeapPages() {}

  /** A page holding tuples of these lengths with random content, item 1 at the end of the page. */
  public static byte[] page(int[] lengths, Random random) {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    random.nextBytes(page);
    int upper = PageHeader.PAGE_SIZE;
    for (int i = 0; i < lengths.length; i++) {
      upper -= lengths[i];
      putWord(page, AlignedPage.HEADER_SIZE + 4 * i, linePointer(upper, lengths[i]));
    }
    int lower = AlignedPage.HEADER_SIZE + 4 * lengths.length;
    putShort(page, 12, lower);
    putShort(page, 14, upper);
    putShort(page, 16, PageHeader.PAGE_SIZE);
    java.util.Arrays.fill(page, lower, upper, (byte) 0);
    return page;
  }

  /**
   * The page after pruning removed item {@code index} (from 0): its line pointer is marked unused
   * and every tuple stored below it moves up by its length, as PageRepairFragmentation does.
   */
  public static byte[] prune(byte[] before, int index) {
    byte[] page = before.clone();
    int lower = (page[12] & 0xFF) | (page[13] & 0xFF) << 8;
    int items = (lower - AlignedPage.HEADER_SIZE) / 4;
    if (index >= items) {
      return page;
    }
    int removed = word(page, AlignedPage.HEADER_SIZE + 4 * index);
    int removedOffset = removed & 0x7FFF;
    int removedLength = removed >>> 17;
    int upper = (page[14] & 0xFF) | (page[15] & 0xFF) << 8;
    System.arraycopy(before, upper, page, upper + removedLength, removedOffset - upper);
    java.util.Arrays.fill(page, upper, upper + removedLength, (byte) 0);
    putWord(page, AlignedPage.HEADER_SIZE + 4 * index, 0);
    for (int i = 0; i < items; i++) {
      int at = AlignedPage.HEADER_SIZE + 4 * i;
      int pointer = word(page, at);
      if (i != index && (pointer & 0x7FFF) < removedOffset) {
        putWord(page, at, linePointer((pointer & 0x7FFF) + removedLength, pointer >>> 17));
      }
    }
    putShort(page, 14, upper + removedLength);
    return page;
  }

  /**
   * The page after an index insert: a new entry of {@code length} bytes in free space, just below
   * the others, and its line pointer at item {@code index} (from 0), the ones after it moved along.
   */
  public static byte[] insert(byte[] before, int index, int length, Random random) {
    byte[] page = before.clone();
    int lower = (page[12] & 0xFF) | (page[13] & 0xFF) << 8;
    int upper = (page[14] & 0xFF) | (page[15] & 0xFF) << 8;
    int items = (lower - AlignedPage.HEADER_SIZE) / 4;
    if (index > items || upper - length < lower + 4) {
      return page;
    }
    int at = AlignedPage.HEADER_SIZE + 4 * index;
    System.arraycopy(before, at, page, at + 4, lower - at);
    putWord(page, at, linePointer(upper - length, length));
    byte[] entry = new byte[length];
    random.nextBytes(entry);
    System.arraycopy(entry, 0, page, upper - length, length);
    putShort(page, 12, lower + 4);
    putShort(page, 14, upper - length);
    return page;
  }

  /** Marks item {@code index} dead (LP_DEAD), as an index scan's hint does. */
  public static void markDead(byte[] page, int index) {
    int at = AlignedPage.HEADER_SIZE + 4 * index;
    putWord(page, at, word(page, at) | 3 << 15);
  }

  /** Sets the xmax of item {@code index}'s tuple, as an UPDATE or DELETE does. */
  public static void setXmax(byte[] page, int index, int xmax) {
    int offset = word(page, AlignedPage.HEADER_SIZE + 4 * index) & 0x7FFF;
    putWord(page, offset + 4, xmax);
  }

  static int linePointer(int offset, int length) {
    return offset | LP_NORMAL << 15 | length << 17;
  }

  static int word(byte[] page, int at) {
    return (page[at] & 0xFF)
        | (page[at + 1] & 0xFF) << 8
        | (page[at + 2] & 0xFF) << 16
        | (page[at + 3] & 0xFF) << 24;
  }

  static void putWord(byte[] page, int at, int value) {
    page[at] = (byte) value;
    page[at + 1] = (byte) (value >>> 8);
    page[at + 2] = (byte) (value >>> 16);
    page[at + 3] = (byte) (value >>> 24);
  }

  private static void putShort(byte[] page, int at, int value) {
    page[at] = (byte) value;
    page[at + 1] = (byte) (value >>> 8);
  }
}
