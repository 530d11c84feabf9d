package dev.lifeboat.activities.backup.files;

/**
 * Predicts a changed page from the chain's page at the same block when a plain XOR of the two
 * differs in most bytes although little changed, so that the XOR with the prediction is mostly
 * zeros again. Two page changes do that, and both keep enough in the new page's line pointers to
 * undo it:
 *
 * <ul>
 *   <li>Pruning a heap page removes dead tuples and packs the others against the end of the page:
 *       every tuple stored below a removed one moves. A heap tuple keeps its item number, and the
 *       new line pointer says where it now is.
 *   <li>Inserting into an index page adds a line pointer in the middle of the array, so every one
 *       after it moves four bytes along; the tuples themselves stay where they were. An UPDATE of
 *       rows spread over a table inserts a few entries into most leaf pages of each index.
 * </ul>
 *
 * <p>So the prediction is made from a list of the new page's inserted items (item numbers from 0,
 * ascending; empty for a pruned heap page): each other item of the new page is the next item of the
 * chain's page. Its line pointer is predicted as that item's, and its tuple is copied to where the
 * new line pointer puts it when both are in use and give the same length. An inserted item's line
 * pointer and tuple are predicted as whatever the chain's page has there.
 *
 * <p>The prediction is made in two steps that a reader can follow: the header and line pointers
 * depend only on the chain's page, the new {@code pd_lower} (which the header, predicted as the
 * chain's, gives) and the list; the tuples on the new line pointers, which a reader has rebuilt by
 * then. Tuples are only copied at or after the new {@code pd_lower}. Any bytes make a well-defined
 * prediction: line pointers that point outside the page are skipped, so a page that is neither (a
 * free space map, a page rewritten by a split) at worst predicts badly, and the writer then keeps
 * the plain difference or a patch.
 *
 * <p>The layout read here is PostgreSQL's {@code PageHeaderData} ({@code pd_lower} at byte 12, 24
 * bytes in all) and {@code ItemIdData} (a little-endian 32-bit word: offset in bits 0-14, flags in
 * bits 15-16, length in bits 17-31), the same for heap and index pages since PostgreSQL 8.3.
 */
public final class AlignedPage {

  /** {@code SizeOfPageHeaderData}: where the line pointer array starts. */
  static final int HEADER_SIZE = 24;

  /** The most line pointers a page has room for, and so the longest list of inserted items. */
  public static final int MAX_ITEMS = (PageHeader.PAGE_SIZE - HEADER_SIZE) / 4;

  private static final int LOWER_OFFSET = 12;
  private static final int LINE_POINTER_SIZE = 4;
  private static final int LP_NORMAL = 1;
  private static final int FLAG_BITS = 3 << 15;

  private AlignedPage() {}

  /**
   * Finds the items an index insert added: walking both line pointer arrays, a new line pointer
   * that is not the chain's next one (by offset and length; a hint may have changed its flags) is
   * taken as inserted, until as many are found as the new page has more.
   *
   * @param into receives the inserted item numbers, ascending; at least {@link #MAX_ITEMS} long
   * @return how many were found; 0 when the new page has no more line pointers than the chain's
   */
  public static int insertions(byte[] before, byte[] after, int afterOffset, int[] into) {
    int lowerBefore = lower(before, 0);
    int lowerAfter = lower(after, afterOffset);
    if (lowerBefore < 0 || lowerAfter <= lowerBefore) {
      return 0;
    }
    int itemsBefore = items(lowerBefore);
    int itemsAfter = items(lowerAfter);
    int budget = itemsAfter - itemsBefore;
    int found = 0;
    int old = 0;
    for (int i = 0; i < itemsAfter; i++) {
      int now = word(after, afterOffset + HEADER_SIZE + i * LINE_POINTER_SIZE) & ~FLAG_BITS;
      boolean matches =
          old < itemsBefore
              && now == (word(before, HEADER_SIZE + old * LINE_POINTER_SIZE) & ~FLAG_BITS);
      if (!matches && found < budget) {
        into[found++] = i;
      } else {
        old++;
      }
    }
    return found;
  }

  /** Writes into {@code into} the whole prediction of the new page at {@code afterOffset}. */
  public static void predict(
      byte[] before, byte[] after, int afterOffset, int[] inserted, int count, byte[] into) {
    linePointers(before, lower(after, afterOffset), inserted, count, into);
    tuples(before, after, afterOffset, inserted, count, into);
  }

  /**
   * Step one: {@code into} becomes the chain's page with its line pointers where the new page has
   * those items; only bytes before {@code lowerAfter} differ from the chain's page.
   *
   * @param lowerAfter the new page's {@code pd_lower}, or -1 when it is not plausible
   */
  static void linePointers(byte[] before, int lowerAfter, int[] inserted, int count, byte[] into) {
    System.arraycopy(before, 0, into, 0, PageHeader.PAGE_SIZE);
    int lowerBefore = lower(before, 0);
    if (count == 0 || lowerAfter < 0 || lowerBefore < 0) {
      return;
    }
    forEachKeptItem(
        items(lowerBefore),
        items(lowerAfter),
        inserted,
        count,
        (item, old) ->
            System.arraycopy(
                before,
                HEADER_SIZE + old * LINE_POINTER_SIZE,
                into,
                HEADER_SIZE + item * LINE_POINTER_SIZE,
                LINE_POINTER_SIZE));
  }

  /**
   * Step two: copies the chain's tuples in {@code into} to where the new page's line pointers put
   * them; reads of {@code after} stay within its header and line pointers.
   */
  static void tuples(
      byte[] before, byte[] after, int afterOffset, int[] inserted, int count, byte[] into) {
    int lowerAfter = lower(after, afterOffset);
    int lowerBefore = lower(before, 0);
    if (lowerAfter < 0 || lowerBefore < 0) {
      return;
    }
    forEachKeptItem(
        items(lowerBefore),
        items(lowerAfter),
        inserted,
        count,
        (item, old) -> {
          int now = word(after, afterOffset + HEADER_SIZE + item * LINE_POINTER_SIZE);
          int then = word(before, HEADER_SIZE + old * LINE_POINTER_SIZE);
          int length = now >>> 17;
          int to = now & 0x7FFF;
          int from = then & 0x7FFF;
          if (flags(now) == LP_NORMAL
              && flags(then) == LP_NORMAL
              && length != 0
              && length == then >>> 17
              && to != from
              && to >= lowerAfter
              && to + length <= PageHeader.PAGE_SIZE
              && from + length <= PageHeader.PAGE_SIZE) {
            System.arraycopy(before, from, into, to, length);
          }
        });
  }

  /** An item of the new page and the item of the chain's page it was. */
  @FunctionalInterface
  private interface KeptItem {
    void accept(int item, int old);
  }

  /**
   * Walks the new page's items that were not inserted, each with the chain's item it was: the next
   * one of the chain's page, in order, while the chain's page has items left.
   */
  private static void forEachKeptItem(
      int itemsBefore, int itemsAfter, int[] inserted, int count, KeptItem kept) {
    int next = 0;
    int old = 0;
    for (int i = 0; i < itemsAfter && old < itemsBefore; i++) {
      if (next < count && inserted[next] == i) {
        next++;
        continue;
      }
      kept.accept(i, old++);
    }
  }

  /** The page's {@code pd_lower}, or -1 when it cannot be the end of a line pointer array. */
  static int lower(byte[] page, int offset) {
    int lower =
        (page[offset + LOWER_OFFSET] & 0xFF) | (page[offset + LOWER_OFFSET + 1] & 0xFF) << 8;
    return lower < HEADER_SIZE || lower > PageHeader.PAGE_SIZE ? -1 : lower;
  }

  private static int items(int lower) {
    return (lower - HEADER_SIZE) / LINE_POINTER_SIZE;
  }

  private static int flags(int linePointer) {
    return (linePointer >>> 15) & 3;
  }

  private static int word(byte[] page, int at) {
    return (page[at] & 0xFF)
        | (page[at + 1] & 0xFF) << 8
        | (page[at + 2] & 0xFF) << 16
        | (page[at + 3] & 0xFF) << 24;
  }
}
