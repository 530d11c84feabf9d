package dev.lifeboat.worker;

import dev.lifeboat.activities.manifest.ManifestStore;
import dev.lifeboat.activities.manifest.ProofStamp;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.DestinationStores;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Time since the last proven restore" per cluster, for Prometheus: {@code
 * lifeboat_restore_last_proven_age_seconds{cluster}} (NaN while no backup was ever proven) and
 * {@code lifeboat_restore_last_proven_timestamp_seconds{cluster}} (0 then, so an alert such as
 * {@code time() - lifeboat_restore_last_proven_timestamp_seconds > 2 * 86400} also fires for a
 * cluster never proven). The proof stamps ({@code proven.json}) live beside the backups in the
 * destinations, not in this worker, so they are read from every configured destination every {@link
 * #REFRESH}; the gauges report the newest one, and keep the last known one while a destination
 * cannot be read.
 */
final class ProofAgeMetrics implements AutoCloseable {

  static final String AGE = "lifeboat.restore.last.proven.age";
  static final String TIMESTAMP = "lifeboat.restore.last.proven.timestamp";

  /** How often the stamps are read again: a proof is a daily event, listing costs requests. */
  static final Duration REFRESH = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(ProofAgeMetrics.class);

  private final LifeboatConfig config;
  private final SecretResolver secrets;
  private final Clock clock;
  private final Map<String, Instant> lastProven = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lifeboat-proof-age");
            t.setDaemon(true);
            return t;
          });

  ProofAgeMetrics(
      LifeboatConfig config, SecretResolver secrets, MeterRegistry registry, Clock clock) {
    this.config = config;
    this.secrets = secrets;
    this.clock = clock;
    for (String cluster : config.clusters().keySet()) {
      Gauge.builder(AGE, () -> age(cluster))
          .description("Seconds since a test restore last proved a backup of the cluster")
          .baseUnit("seconds")
          .tag("cluster", cluster)
          .register(registry);
      Gauge.builder(
              TIMESTAMP,
              () ->
                  Optional.ofNullable(lastProven.get(cluster))
                      .map(Instant::getEpochSecond)
                      .orElse(0L))
          .description("When a test restore last proved a backup of the cluster, 0 if never")
          .baseUnit("seconds")
          .tag("cluster", cluster)
          .register(registry);
    }
  }

  /** Reads the stamps now and then every {@link #REFRESH}, off the caller's thread. */
  ProofAgeMetrics start() {
    if (config.backup() != null) {
      timer.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toSeconds(), TimeUnit.SECONDS);
    }
    return this;
  }

  /** Reads every cluster's proof stamps from every destination. */
  void refresh() {
    for (String cluster : config.clusters().keySet()) {
      for (DestinationSettings destination : config.requireBackup().destinations()) {
        try (BackupStore store = DestinationStores.open(destination, secrets)) {
          for (String backupId : ManifestStore.listBackupIds(store, cluster)) {
            ProofStamp.read(store, cluster, backupId)
                .ifPresent(
                    stamp ->
                        lastProven.merge(
                            cluster, stamp.provenAt(), (a, b) -> a.isAfter(b) ? a : b));
          }
        } catch (IOException | RuntimeException e) {
          // The other destinations may still hold the newest stamp; the next refresh retries.
          log.warn(
              "cannot read the proof stamps of {} in {}: {}",
              cluster,
              destination.name(),
              e.getMessage());
        }
      }
    }
  }

  private double age(String cluster) {
    Instant proven = lastProven.get(cluster);
    return proven == null
        ? Double.NaN
        : Duration.between(proven, clock.instant()).toMillis() / 1000.0;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
