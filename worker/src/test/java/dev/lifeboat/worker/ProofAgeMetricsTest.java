package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.manifest.ProofStamp;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProofAgeMetricsTest {

  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @TempDir Path dir;

  @Test
  void reportsTheNewestProofOfEachClusterAcrossDestinationsAndNaNWhenNeverProven()
      throws Exception {
    LifeboatConfig config =
        new ConfigLoader(Map.of())
            .parse(
                dir.resolve("lifeboat.yaml"),
                """
                clusters:
                  shop:
                    nodes: [{name: sydney, region: sydney, host: h, port: 5432}]
                  blog:
                    nodes: [{name: tokyo, region: tokyo, host: h, port: 5433}]
                backup:
                  encryption: false
                  destinations:
                    - {name: a, url: file://%s/a}
                    - {name: b, url: file://%s/b}
                """
                    .formatted(dir, dir));
    SecretResolver secrets = new SecretResolver(config.secretsDir(), Map.of());
    sealProven(config, secrets, "a", "b1", NOW.minusSeconds(7200));
    sealProven(config, secrets, "b", "b2", NOW.minusSeconds(600));
    sealProven(config, secrets, "a", "b3", null);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    try (ProofAgeMetrics metrics =
        new ProofAgeMetrics(config, secrets, registry, Clock.fixed(NOW, ZoneOffset.UTC))) {
      assertThat(registry.get(ProofAgeMetrics.AGE).tag("cluster", "shop").gauge().value())
          .as("before the stamps are read")
          .isNaN();
      metrics.refresh();

      assertThat(registry.get(ProofAgeMetrics.AGE).tag("cluster", "shop").gauge().value())
          .isEqualTo(600.0);
      assertThat(registry.get(ProofAgeMetrics.TIMESTAMP).tag("cluster", "shop").gauge().value())
          .isEqualTo((double) NOW.minusSeconds(600).getEpochSecond());
      assertThat(registry.get(ProofAgeMetrics.AGE).tag("cluster", "blog").gauge().value()).isNaN();
      assertThat(registry.get(ProofAgeMetrics.TIMESTAMP).tag("cluster", "blog").gauge().value())
          .isZero();
      assertThat(registry.scrape())
          .contains("lifeboat_restore_last_proven_age_seconds{cluster=\"shop\"} 600.0");
    }
  }

  /** A sealed backup (its manifest checksum is what listings look for), stamped when proven. */
  private static void sealProven(
      LifeboatConfig config,
      SecretResolver secrets,
      String destination,
      String backupId,
      Instant provenAt)
      throws Exception {
    try (BackupStore store =
        DestinationStores.open(DestinationStores.configured(config, destination), secrets)) {
      try (ObjectWriter writer = store.create("shop/" + backupId + "/manifest.json.sha256")) {
        writer.write("0".repeat(64).getBytes(StandardCharsets.UTF_8));
        writer.commit();
      }
      if (provenAt != null) {
        ProofStamp.write(store, "shop", backupId, new ProofStamp(provenAt, 30, 10, 5, 6, 20));
      }
    }
  }
}
