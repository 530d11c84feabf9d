package dev.lifeboat.activities.backup.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The page checksum against pages a PostgreSQL 15 server with data checksums wrote: template1's
 * {@code pg_class} (main fork, 14 pages) and its free space map, copied from a fresh cluster.
 */
class PageChecksumTest {

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = PageChecksumTest.class.getResourceAsStream("/pages/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void everyPageTheServerWroteVerifiesAtItsBlock() throws IOException {
    for (String name : new String[] {"pg_class-1259.bin", "pg_class-1259_fsm.bin"}) {
      byte[] file = fixture(name);
      int pages = file.length / PageHeader.PAGE_SIZE;
      assertThat(pages).isGreaterThan(1);
      for (int block = 0; block < pages; block++) {
        int offset = block * PageHeader.PAGE_SIZE;
        assertThat(PageChecksum.compute(file, offset, block))
            .as("%s block %d", name, block)
            .isEqualTo(PageChecksum.stored(file, offset));
        assertThat(PageChecksum.verify(file, offset, block)).isTrue();
      }
    }
  }

  @Test
  void aPageReadAsAnotherBlockFails() throws IOException {
    byte[] file = fixture("pg_class-1259.bin");
    assertThat(PageChecksum.verify(file, 0, 1)).isFalse();
    // Block numbers count across 1 GB segments: the same page as block 131072 (segment 1, block
    // 0) fails too.
    assertThat(PageChecksum.verify(file, 0, 131_072)).isFalse();
  }

  @Test
  void anyFlippedBitFails() throws IOException {
    byte[] file = fixture("pg_class-1259.bin");
    int offset = 3 * PageHeader.PAGE_SIZE;
    for (int at : new int[] {0, 9, 100, 4095, 8191}) {
      byte[] copy = file.clone();
      copy[offset + at] ^= 0x10;
      assertThat(PageChecksum.verify(copy, offset, 3)).as("bit flipped at byte %d", at).isFalse();
    }
  }

  @Test
  void aNewPageIsIntactOnlyWhenAllZeros() {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    assertThat(PageChecksum.verify(page, 0, 7)).isTrue();
    page[5000] = 1;
    assertThat(PageChecksum.verify(page, 0, 7)).isFalse();
  }
}
