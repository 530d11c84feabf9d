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

  private byte[] page() {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    random.nextBytes(page);
    return page;
  }
}
