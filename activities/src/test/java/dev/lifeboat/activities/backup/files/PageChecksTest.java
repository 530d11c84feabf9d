package dev.lifeboat.activities.backup.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Page checksum verification as a backup reads a file: template1's {@code pg_class} from a
 * PostgreSQL 15 cluster with data checksums (14 pages), read in pieces that split pages.
 */
class PageChecksTest {

  private static final long SEGMENT_BLOCKS = 131_072;

  @TempDir Path dir;

  private static byte[] pgClass() throws IOException {
    try (InputStream in = PageChecksTest.class.getResourceAsStream("/pages/pg_class-1259.bin")) {
      return in.readAllBytes();
    }
  }

  /** Feeds the file to a verifier in reads of {@code piece} bytes, as a whole-file copy does. */
  private static void readWhole(PageChecks checks, String path, Path file, int piece)
      throws IOException {
    byte[] content = Files.readAllBytes(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      PageChecks.Verifier verifier = checks.verifier(path, channel);
      assertThat(verifier).as(path).isNotNull();
      for (int at = 0; at < content.length; at += piece) {
        verifier.bytes(content, at, Math.min(piece, content.length - at));
      }
    }
  }

  @Test
  void anIntactFileVerifiesWhateverTheReadsLookLike() throws IOException {
    Path file = Files.write(dir.resolve("1259"), pgClass());
    for (int piece : new int[] {8192, 5000, 65536, 12289}) {
      PageChecks checks = new PageChecks(Long.MAX_VALUE, SEGMENT_BLOCKS);
      readWhole(checks, "base/1/1259", file, piece);
      assertThat(checks.verifiedPages()).as("reads of %d bytes", piece).isEqualTo(14);
      assertThat(checks.failedPages()).isZero();
    }
  }

  @Test
  void aCorruptedPageIsReportedByFileAndBlockAndTheRestVerify() throws IOException {
    byte[] content = pgClass();
    content[5 * PageHeader.PAGE_SIZE + 4000] ^= 0x01;
    Path file = Files.write(dir.resolve("1259"), content);
    PageChecks checks = new PageChecks(Long.MAX_VALUE, SEGMENT_BLOCKS);

    readWhole(checks, "base/1/1259", file, 5000);

    assertThat(checks.verifiedPages()).isEqualTo(14);
    assertThat(checks.failedPages()).isEqualTo(1);
    assertThat(checks.failures()).containsExactly("base/1/1259 block 5");
  }

  @Test
  void aPageCaughtHalfWrittenIsNotReportedWhenTheDiskHoldsItWhole() throws IOException {
    Path file = Files.write(dir.resolve("1259"), pgClass());
    byte[] torn = pgClass();
    torn[3 * PageHeader.PAGE_SIZE + 6000] ^= 0x40;
    PageChecks checks = new PageChecks(Long.MAX_VALUE, SEGMENT_BLOCKS);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      PageChecks.Verifier verifier = checks.verifier("base/1/1259", channel);
      verifier.page(torn, 3 * PageHeader.PAGE_SIZE, 3);
    }
    assertThat(checks.failedPages()).isZero();
  }

  @Test
  void pagesTheServerChangedDuringTheBackupAreLeftToWalReplay() throws IOException {
    byte[] content = pgClass();
    content[2 * PageHeader.PAGE_SIZE + 4000] ^= 0x01;
    Path file = Files.write(dir.resolve("1259"), content);
    long newestLsn = 0;
    for (int block = 0; block < 14; block++) {
      newestLsn = Math.max(newestLsn, PageHeader.lsn(content, block * PageHeader.PAGE_SIZE));
    }
    // Every page's LSN is at or past this start: all were written during the backup.
    PageChecks checks = new PageChecks(1, SEGMENT_BLOCKS);

    readWhole(checks, "base/1/1259", file, 8192);

    assertThat(newestLsn).isPositive();
    assertThat(checks.changedDuringBackup()).isEqualTo(14);
    assertThat(checks.verifiedPages()).isZero();
    assertThat(checks.failedPages()).isZero();
  }

  @Test
  void blocksCountAcrossSegmentsAndOnlyRelationForksAreChecked() throws IOException {
    Path file = Files.write(dir.resolve("1259.1"), pgClass());
    PageChecks checks = new PageChecks(Long.MAX_VALUE, SEGMENT_BLOCKS);

    // The same pages as the second 1 GB segment are blocks 131072 on, so none matches.
    readWhole(checks, "base/1/1259.1", file, 8192);

    assertThat(checks.failedPages()).isEqualTo(14);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      assertThat(checks.verifier("base/1/1259_fsm", channel)).isNotNull();
      assertThat(checks.verifier("global/1262_vm.2", channel)).isNotNull();
      assertThat(checks.verifier("base/1/PG_VERSION", channel)).isNull();
      assertThat(checks.verifier("base/1/pg_filenode.map", channel)).isNull();
      assertThat(checks.verifier("pg_wal/000000010000000000000001", channel)).isNull();
      assertThat(checks.verifier("global/pg_control", channel)).isNull();
    }
  }
}
