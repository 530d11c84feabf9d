package dev.lifeboat.activities.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.model.BackupSummary;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an operator reads of a backup's page checksum verification, and what status flags. */
class PageChecksumReportTest {

  private static BackupSummary listed(PageChecksumReport report) {
    return new BackupSummary(
        "b1", "FULL", Instant.EPOCH, "0/1", 1, 1, "nas", null, null, null, report.summary());
  }

  @Test
  void aCleanBackupSaysSoAndIsNotFlagged() {
    PageChecksumReport clean = new PageChecksumReport(151_230, 0, List.of());

    assertThat(clean.summary()).isEqualTo("151,230 pages verified, none failed");
    assertThat(clean.warning()).isNull();
    assertThat(listed(clean).storedDamagedPages()).isFalse();
  }

  @Test
  void failedPagesAreNamedInTheSummaryAndTheWarningAndFlagged() {
    PageChecksumReport damaged =
        new PageChecksumReport(
            151_230, 2, List.of("base/16386/49294 block 3", "base/16386/49294 block 9"));

    assertThat(damaged.summary())
        .isEqualTo(
            "151,230 pages verified, 2 failed: base/16386/49294 block 3, base/16386/49294 block 9");
    assertThat(damaged.warning())
        .startsWith("2 data page(s) failed checksum verification")
        .contains("base/16386/49294 block 3")
        .contains("'lifeboat backup show'");
    assertThat(listed(damaged).storedDamagedPages()).isTrue();
  }

  @Test
  void aBackupWhosePagesWereNotVerifiedIsNotFlagged() {
    assertThat(
            new BackupSummary("b1", "FULL", Instant.EPOCH, "0/1", 1, 1, "nas", null, null, null)
                .storedDamagedPages())
        .isFalse();
  }
}
