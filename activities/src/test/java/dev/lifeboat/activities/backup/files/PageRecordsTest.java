package dev.lifeboat.activities.backup.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PageRecordsTest {

  private final Random random = new Random(11);

  @Test
  void aDifferenceCountsTheChangedBytesAndTurnsTheOldPageIntoTheNewOne() {
    byte[] before = page();
    byte[] after = before.clone();
    int[] changed = {0, 7, 8, 100, 4095, 8191};
    for (int i : changed) {
      after[i] ^= (byte) (1 + random.nextInt(255));
    }
    byte[] difference = new byte[PageHeader.PAGE_SIZE + 16];

    assertThat(PageRecords.difference(after, 0, before, difference, 16)).isEqualTo(changed.length);

    byte[] diff = new byte[PageHeader.PAGE_SIZE];
    System.arraycopy(difference, 16, diff, 0, PageHeader.PAGE_SIZE);
    byte[] rebuilt = before.clone();
    PageRecords.apply(rebuilt, diff);
    assertThat(rebuilt).isEqualTo(after);
  }

  @Test
  void aPatchOfAPageWhoseContentMovedIsSmallAndRebuildsIt() throws Exception {
    byte[] before = page();
    byte[] after = new byte[PageHeader.PAGE_SIZE];
    System.arraycopy(before, 0, after, 96, PageHeader.PAGE_SIZE - 96);
    byte[] patch = new byte[PageRecords.PATCH_CAPACITY];

    int length;
    try (var patcher = PageRecords.patcher()) {
      length = PageRecords.patch(patcher, after, 0, before, patch);
    }

    assertThat(length).isPositive().isLessThan(256);
    byte[] rebuilt = before.clone();
    try (var unpatcher = new com.github.luben.zstd.ZstdDecompressCtx()) {
      PageRecords.applyPatch(unpatcher, rebuilt, patch, length, new byte[PageHeader.PAGE_SIZE]);
    }
    assertThat(rebuilt).isEqualTo(after);
  }

  @Test
  void anUnrelatedPageIsNotWorthAPatch() {
    try (var patcher = PageRecords.patcher()) {
      byte[] patch = new byte[PageRecords.PATCH_CAPACITY];
      assertThat(PageRecords.patch(patcher, page(), 0, page(), patch)).isEqualTo(-1);
      // The context is still usable after a patch that was not worth it.
      byte[] before = page();
      assertThat(PageRecords.patch(patcher, before, 0, before, patch)).isPositive();
    }
  }

  @Test
  void anAlignedDifferenceOfAHeapPageThatPruningCompactedIsSmallAndRebuildsIt() {
    int[] lengths = new int[60];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 90 + random.nextInt(40);
    }
    byte[] before = HeapPages.page(lengths, random);
    // Pruning removed item 4 and packed the tuples stored below it; an UPDATE then set
    // the xmax of item 7's tuple.
    byte[] after = HeapPages.prune(before, 3);
    HeapPages.setXmax(after, 6, 0x12345);

    byte[] plain = new byte[PageHeader.PAGE_SIZE];
    int plainChanged = PageRecords.difference(after, 0, before, plain, 0);
    byte[] predicted = new byte[PageHeader.PAGE_SIZE];
    AlignedPage.predict(before, after, 0, new int[0], 0, predicted);
    byte[] moved = new byte[PageHeader.PAGE_SIZE];
    int movedChanged = PageRecords.difference(after, 0, predicted, moved, 0);

    assertThat(plainChanged).isGreaterThan(3000);
    // The line pointers of the moved tuples and the removed one's, the xmax, and the freed space.
    assertThat(movedChanged).isLessThan(300);
    byte[] rebuilt = before.clone();
    PageRecords.applyAligned(
        rebuilt,
        moved,
        new int[0],
        0,
        new byte[PageHeader.PAGE_SIZE],
        new byte[PageHeader.PAGE_SIZE]);
    assertThat(rebuilt).isEqualTo(after);
  }

  @Test
  void anAlignedDifferenceOfAnIndexPageWithInsertedEntriesIsSmallAndRebuildsIt() {
    int[] lengths = new int[300];
    java.util.Arrays.fill(lengths, 16);
    byte[] before = HeapPages.page(lengths, random);
    // Inserts put new 16-byte entries in free space and their line pointers at items 40, 100 and
    // 101 and 250, moving the ones after each four bytes along; a hint marked item 7 dead.
    byte[] after = HeapPages.insert(before, 40, 16, random);
    after = HeapPages.insert(after, 100, 16, random);
    after = HeapPages.insert(after, 101, 16, random);
    after = HeapPages.insert(after, 250, 16, random);
    HeapPages.markDead(after, 7);

    byte[] plain = new byte[PageHeader.PAGE_SIZE];
    int plainChanged = PageRecords.difference(after, 0, before, plain, 0);
    int[] inserted = new int[AlignedPage.MAX_ITEMS];
    int count = AlignedPage.insertions(before, after, 0, inserted);
    byte[] predicted = new byte[PageHeader.PAGE_SIZE];
    AlignedPage.predict(before, after, 0, inserted, count, predicted);
    byte[] aligned = new byte[PageHeader.PAGE_SIZE];
    int alignedChanged = PageRecords.difference(after, 0, predicted, aligned, 0);

    assertThat(java.util.Arrays.copyOf(inserted, count)).containsExactly(40, 100, 101, 250);
    assertThat(plainChanged).isGreaterThan(PageRecords.SMALL_DIFFERENCE);
    // pd_lower, pd_upper, the dead flag, the new line pointers and the new entries.
    assertThat(alignedChanged).isLessThanOrEqualTo(2 + 2 + 1 + 4 * (4 + 16));
    byte[] rebuilt = before.clone();
    PageRecords.applyAligned(
        rebuilt,
        aligned,
        inserted,
        count,
        new byte[PageHeader.PAGE_SIZE],
        new byte[PageHeader.PAGE_SIZE]);
    assertThat(rebuilt).isEqualTo(after);
  }

  @Test
  void anAlignedDifferenceRebuildsAnyPageFromAnyOtherWhateverTheirLinePointersSay() {
    byte[] scratch = new byte[PageHeader.PAGE_SIZE];
    byte[] predicted = new byte[PageHeader.PAGE_SIZE];
    byte[] moved = new byte[PageHeader.PAGE_SIZE];
    for (int round = 0; round < 300; round++) {
      // Only a heap page can be pruned.
      byte[] before =
          round % 3 == 0 && round % 4 != 2 ? page() : HeapPages.page(randomLengths(), random);
      byte[] after =
          switch (round % 4) {
            case 0 -> page();
            case 1 -> HeapPages.page(randomLengths(), random);
            case 2 ->
                random.nextBoolean()
                    ? HeapPages.prune(before, random.nextInt(4))
                    : HeapPages.insert(before, random.nextInt(4), 8 + random.nextInt(30), random);
            default -> scrambledLinePointers(before);
          };
      // The list found, a random one (unordered, out of range), or none: any list must work.
      int[] inserted = new int[AlignedPage.MAX_ITEMS];
      int count =
          switch (round % 3) {
            case 0 -> AlignedPage.insertions(before, after, 0, inserted);
            case 1 -> randomList(inserted);
            default -> 0;
          };
      AlignedPage.predict(before, after, 0, inserted, count, predicted);
      PageRecords.difference(after, 0, predicted, moved, 0);
      byte[] rebuilt = before.clone();
      PageRecords.applyAligned(rebuilt, moved, inserted, count, scratch, predicted);
      assertThat(rebuilt).as("round %d", round).isEqualTo(after);
    }
  }

  @Test
  void everyKindOfRecordWrittenIsReadBackAsItsBlockAndRebuildsItsPage() throws Exception {
    int[] lengths = new int[120];
    java.util.Arrays.fill(lengths, 40);
    byte[] chain = HeapPages.page(lengths, random);
    byte[] tweaked = chain.clone();
    tweaked[5000] ^= 1;
    byte[] inserted = HeapPages.insert(chain, 30, 40, random);
    byte[] moved = new byte[PageHeader.PAGE_SIZE];
    System.arraycopy(chain, 0, moved, 64, PageHeader.PAGE_SIZE - 64);
    byte[] whole = page();

    byte[] out = new byte[4 * PageRecords.MAX_RECORD];
    int at = PageRecords.putWhole(out, 0, 7, whole, 0);
    byte[] difference = new byte[PageHeader.PAGE_SIZE];
    PageRecords.difference(tweaked, 0, chain, difference, 0);
    at += PageRecords.putDifference(out, at, 8, PageRecords.checksum(tweaked, 0), difference);
    int[] items = new int[AlignedPage.MAX_ITEMS];
    int count = AlignedPage.insertions(chain, inserted, 0, items);
    byte[] predicted = new byte[PageHeader.PAGE_SIZE];
    AlignedPage.predict(chain, inserted, 0, items, count, predicted);
    PageRecords.difference(inserted, 0, predicted, difference, 0);
    at +=
        PageRecords.putAligned(
            out, at, 9, PageRecords.checksum(inserted, 0), items, count, difference);
    byte[] patch = new byte[PageRecords.PATCH_CAPACITY];
    int patched;
    try (var patcher = PageRecords.patcher()) {
      patched = PageRecords.patch(patcher, moved, 0, chain, patch);
    }
    at += PageRecords.putPatch(out, at, 10, PageRecords.checksum(moved, 0), patch, patched);

    byte[][] expected = {whole, tweaked, inserted, moved};
    int[] position = {0};
    try (PageRecords.Reader reader = new PageRecords.Reader()) {
      for (int i = 0; i < expected.length; i++) {
        int length =
            reader.read(
                (into, offset, n) -> {
                  System.arraycopy(out, position[0], into, offset, n);
                  position[0] += n;
                });
        byte[] page = chain.clone();
        assertThat(reader.block()).isEqualTo(7 + i);
        assertThat(reader.needsPageBefore()).isEqualTo(i > 0);
        assertThat(reader.apply(page)).as("checksum of record %d", i).isTrue();
        assertThat(page).as("record %d", i).isEqualTo(expected[i]);
        assertThat(length).isPositive();
      }
    }
    assertThat(position[0]).isEqualTo(at);
    assertThat(count).isEqualTo(1);
  }

  private int randomList(int[] into) {
    int count = random.nextInt(20);
    for (int i = 0; i < count; i++) {
      into[i] = random.nextInt(600);
    }
    return count;
  }

  private int[] randomLengths() {
    int[] lengths = new int[4 + random.nextInt(30)];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 24 + random.nextInt(200);
    }
    return lengths;
  }

  /** A page whose line pointers point anywhere, overlapping and past the end included. */
  private byte[] scrambledLinePointers(byte[] before) {
    byte[] after = before.clone();
    int lower = AlignedPage.HEADER_SIZE + 4 * random.nextInt(400);
    after[12] = (byte) lower;
    after[13] = (byte) (lower >>> 8);
    for (int at = AlignedPage.HEADER_SIZE; at + 4 <= lower; at += 4) {
      int word = random.nextInt(PageHeader.PAGE_SIZE) | 1 << 15 | random.nextInt(1 << 15) << 17;
      if (random.nextBoolean()) {
        word = (word & ~(0x7FFF << 17)) | (HeapPages.word(before, at) & (0x7FFF << 17));
      }
      HeapPages.putWord(after, at, word);
    }
    return after;
  }

  private byte[] page() {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    random.nextBytes(page);
    return page;
  }
}
