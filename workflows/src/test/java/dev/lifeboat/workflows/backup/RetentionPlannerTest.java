package dev.lifeboat.workflows.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.workflows.model.BackupSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {

  private static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");
  private static final Instant CUTOFF = NOW.minus(Duration.ofDays(30));

  private static BackupSummary backup(
      String id, int daysAgo, String parent, String destination, boolean verified) {
    Instant stop = NOW.minus(Duration.ofDays(daysAgo));
    return new BackupSummary(
        id,
        parent == null ? "FULL" : "INCREMENTAL",
        stop,
        "0/1",
        10,
        1,
        destination,
        parent,
        verified ? stop.plusSeconds(60) : null);
  }

  private static List<String> expiredIds(RetentionPlanner.Plan plan) {
    return plan.expire().stream().map(BackupSummary::backupId).distinct().toList();
  }

  @Test
  void oldBackupsExpireInEveryDestinationNewestFirst() {
    RetentionPlanner.Plan plan =
        RetentionPlanner.plan(
            List.of(
                backup("f1", 60, null, "s3", false),
                backup("f1", 60, null, "nas", false),
                backup("f2", 45, null, "s3", false),
                backup("f3", 1, null, "s3", false)),
            CUTOFF,
            0);

    assertThat(expiredIds(plan)).containsExactly("f2", "f1");
    assertThat(plan.expire()).hasSize(3);
    assertThat(plan.keptBecause()).containsEntry("f3", "recent");
  }

  @Test
  void theParentsOfAKeptIncrementalAreKeptHoweverOld() {
    RetentionPlanner.Plan plan =
        RetentionPlanner.plan(
            List.of(
                backup("f1", 50, null, "s3", false),
                backup("f2", 40, null, "s3", false),
                backup("i1", 39, "f2", "s3", false),
                backup("i2", 2, "i1", "s3", false)),
            CUTOFF,
            0);

    assertThat(expiredIds(plan)).containsExactly("f1");
    assertThat(plan.keptBecause())
        .containsEntry("i2", "recent")
        .containsEntry("i1", "parent of i2")
        .containsEntry("f2", "parent of i1");
  }

  @Test
  void theNewestBackupAndTheNewestVerifiedOneAreNeverExpired() {
    RetentionPlanner.Plan plan =
        RetentionPlanner.plan(
            List.of(
                backup("f1", 90, null, "s3", true),
                backup("f2", 80, null, "s3", true),
                backup("f3", 70, null, "s3", false)),
            CUTOFF,
            0);

    assertThat(expiredIds(plan)).containsExactly("f1");
    assertThat(plan.keptBecause())
        .containsEntry("f3", "newest backup")
        .containsEntry("f2", "newest verified backup");
  }

  @Test
  void aCountKeepsTheNewestBackupsWhateverTheirAge() {
    RetentionPlanner.Plan plan =
        RetentionPlanner.plan(
            List.of(
                backup("f1", 3, null, "s3", false),
                backup("f2", 2, null, "s3", false),
                backup("f3", 1, null, "s3", false)),
            CUTOFF,
            2);

    assertThat(expiredIds(plan)).containsExactly("f1");
  }

  @Test
  void theNewestProvenRestorableBackupIsKept() {
    Instant stop = NOW.minus(Duration.ofDays(70));
    BackupSummary proven =
        new BackupSummary(
            "f2", "FULL", stop, "0/1", 10, 1, "s3", null, null, stop.plusSeconds(600));

    RetentionPlanner.Plan plan =
        RetentionPlanner.plan(
            List.of(
                backup("f1", 90, null, "s3", false), proven, backup("f3", 60, null, "s3", false)),
            CUTOFF,
            0);

    assertThat(expiredIds(plan)).containsExactly("f1");
    assertThat(plan.keptBecause()).containsEntry("f2", "newest proven restorable backup");
  }
}
