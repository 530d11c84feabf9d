package dev.lifeboat.activities.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalPageHeaderTest {

  @TempDir Path dir;

  /** The first 40 bytes of a segment PostgreSQL 15 wrote (system 7712154458598384280). */
  private static final String FIRST_BYTES =
      "10d10600010000000000000301000000000000000000000098a2b38d9e13076b0000000100200000";

  @Test
  void theSystemIdentifierIsReadFromASegmentsLongPageHeader() throws Exception {
    byte[] first = java.util.HexFormat.of().parseHex(FIRST_BYTES);
    Path segment = dir.resolve("000000010000000100000003");
    Files.write(segment, first);

    assertThat(WalPageHeader.systemIdentifier(segment)).hasValue(7712154458598384280L);
    assertThat(WalPageHeader.systemIdentifier(first, first.length)).hasValue(7712154458598384280L);
  }

  @Test
  void anEmptyPartialOrAPageWithoutTheLongHeaderNamesNoSystem() throws Exception {
    Path empty = dir.resolve("000000010000000100000004.partial");
    Files.write(empty, new byte[0]);
    byte[] shortHeader = java.util.HexFormat.of().parseHex(FIRST_BYTES);
    shortHeader[2] = 0x04; // XLP_BKP_REMOVABLE only: a page after the first

    assertThat(WalPageHeader.systemIdentifier(empty)).isEmpty();
    assertThat(WalPageHeader.systemIdentifier(shortHeader, shortHeader.length)).isEmpty();
    assertThat(WalPageHeader.systemIdentifier(new byte[16 << 20], 16 << 20)).isEmpty();
  }
}
