package dev.lifeboat.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.config.ConfigException;
import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lifeboat worker process: {@code java -jar lifeboat-worker.jar [lifeboat.yaml]}.
 *
 * <p>Connects to Temporal ({@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE} or the config),
 * polls the orchestration queue and one queue per served region, and serves Prometheus metrics,
 * including the Temporal SDK's own, on {@code <worker.metricsHost>:<worker.metricsPort>/metrics}.
 */
public final class WorkerMain {

  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    ConfigLoader loader = new ConfigLoader();
    LifeboatConfig config;
    try {
      config = loader.load(loader.locate(args.length > 0 ? Path.of(args[0]) : null));
    } catch (ConfigException e) {
      System.err.println("lifeboat worker: " + e.getMessage());
      System.exit(2);
      return;
    }

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    Scope sdkMetrics =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofSeconds(10));

    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .setMetricsScope(sdkMetrics)
                .build());
    WorkflowClient client =
        WorkflowClient.newInstance(
            service,
            WorkflowClientOptions.newBuilder().setNamespace(config.temporal().namespace()).build());
    WorkerFactory factory = WorkerFactory.newInstance(client);
    List<String> queues = LifeboatWorkers.register(factory, config, System.getenv());

    MetricsEndpoint metrics = null;
    if (config.worker().metricsPort() > 0) {
      try {
        metrics =
            MetricsEndpoint.start(
                config.worker().metricsHost(), config.worker().metricsPort(), registry);
      } catch (IOException e) {
        System.err.println("lifeboat worker: " + e.getMessage());
        System.exit(2);
        return;
      }
    }

    ProofAgeMetrics proofAge =
        new ProofAgeMetrics(
                config,
                new SecretResolver(config.secretsDir(), System.getenv()),
                registry,
                Clock.systemUTC())
            .start();

    factory.start();
    log.info(
        "worker connected to {} namespace {}, polling {}, metrics {}",
        config.temporal().address(),
        config.temporal().namespace(),
        queues,
        metrics == null
            ? "disabled"
            : "http://" + config.worker().metricsHost() + ":" + metrics.port() + "/metrics");

    CountDownLatch stopped = new CountDownLatch(1);
    MetricsEndpoint endpoint = metrics;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down: finishing running activity attempts");
                  factory.shutdown();
                  factory.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS);
                  service.shutdown();
                  proofAge.close();
                  if (endpoint != null) {
                    endpoint.close();
                  }
                  try {
                    sdkMetrics.close();
                  } catch (com.uber.m3.tally.ScopeCloseException e) {
                    log.warn("metrics scope did not close cleanly: {}", e.getMessage());
                  }
                  stopped.countDown();
                },
                "lifeboat-shutdown"));
    stopped.await();
  }
}
