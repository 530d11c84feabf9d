package dev.lifeboat.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.starter.client.BackupSchedules;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalDestinationHealth;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArchiveCommandTest {

  @Test
  void statusShowsTheLagTheLastSegmentAndEachDestinationsHealth() {
    WalArchiveStatus status =
        new WalArchiveStatus(
            "shop",
            "archiving",
            "lifeboat_archiver_shop",
            "sydney",
            "000000010000000000000063",
            "0/64000000",
            Instant.parse("2026-11-25T18:39:39Z"),
            Instant.parse("2026-11-25T18:39:41Z"),
            "000000010000000000000062",
            12,
            "0/640FB7E0",
            1_030_112,
            8.5,
            Instant.parse("2026-11-25T18:39:48Z"),
            List.of(
                new WalDestinationHealth(
                    "s3",
                    "000000010000000000000063",
                    Instant.parse("2026-11-25T18:39:41Z"),
                    null,
                    null,
                    0),
                new WalDestinationHealth(
                    "gcs",
                    "000000010000000000000062",
                    Instant.parse("2026-11-25T18:38:00Z"),
                    "cannot store 000000010000000000000063: connection refused",
                    Instant.parse("2026-11-25T18:39:42Z"),
                    1)),
            3,
            null,
            null);
    StringWriter text = new StringWriter();
    ArchiveCommand.print(status, new PrintWriter(text, true));

    assertThat(text.toString())
        .contains("Archive lag (RPO): 1,030,112 bytes, 8.5 s (primary at 0/640FB7E0")
        .contains("Last segment: 000000010000000000000063 (archived through LSN 0/64000000)")
        .containsPattern("s3 +000000010000000000000063 +2026-11-25T18:39:41Z +0  ok")
        .containsPattern("gcs +000000010000000000000062 .* 1  FAILING: cannot store");
  }

  @Test
  void theContinuousStrategyIsADailyFullPlusTheArchiver() {
    LifeboatConfig config =
        new ConfigLoader(Map.of("BACKUP_STRATEGY", "continuous"))
            .parse(
                Path.of("test.yaml"),
                "clusters:\n  shop:\n    nodes: [{name: a, region: r, host: 127.0.0.1, port: 1}]\n"
                    + "backup:\n  destinations: [{name: nas, url: file:///tmp/t}]\n");

    List<BackupSchedules.Plan> plans = BackupSchedules.plan(config);

    assertThat(plans)
        .singleElement()
        .satisfies(
            plan -> {
              assertThat(plan.id()).isEqualTo("backup-shop-continuous");
              assertThat(plan.cron()).isEqualTo("0 0 * * *");
              assertThat(plan.strategy()).isEqualTo(BackupSchedules.CONTINUOUS);
              assertThat(plan.request().typeOrDefault()).isEqualTo("full");
            });
  }
}
