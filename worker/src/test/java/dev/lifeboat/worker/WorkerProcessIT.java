package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.ClusterHealthWorkflow;
import dev.lifeboat.workflows.model.ClusterHealthRequest;
import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.ClusterVerdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged worker jar as a user runs it: a separate JVM, configured by file and environment.
 */
class WorkerProcessIT {

  private static final Path JAR = RealStack.ROOT.resolve("worker/target/lifeboat-worker.jar");

  @Test
  void servesWorkflowsAndPrometheusMetricsIncludingTheSdks() throws Exception {
    int metricsPort = freePort();
    Process worker = start(RealStack.ROOT.resolve("lifeboat.yaml"), metricsPort);
    LifeboatConfig config = RealStack.config();
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(config.temporal().address())
                .build());
    try {
      String metrics = awaitMetrics(metricsPort, worker, "jvm_memory");
      assertThat(metrics)
          .contains("jvm_memory_used_bytes")
          .contains("lifeboat_restore_last_proven_timestamp_seconds{cluster=\"shop\"}")
          .contains("lifeboat_restore_last_proven_age_seconds{cluster=\"shop\"}");

      WorkflowClient client =
          WorkflowClient.newInstance(
              service,
              WorkflowClientOptions.newBuilder()
                  .setNamespace(config.temporal().namespace())
                  .build());
      ClusterTopology topology =
          client
              .newWorkflowStub(
                  ClusterHealthWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("health-shop-it-process-" + UUID.randomUUID())
                      .setTaskQueue(TaskQueues.ORCHESTRATION)
                      .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                      .build())
              .check(new ClusterHealthRequest("shop"));
      assertThat(topology.verdict()).isEqualTo(ClusterVerdict.HEALTHY);

      // The SDK's metrics are reported to Micrometer every 10 seconds.
      String withSdk = awaitMetrics(metricsPort, worker, "temporal_workflow_completed");
      assertThat(withSdk).contains("temporal_workflow_completed");
    } finally {
      service.shutdown();
      worker.destroy();
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("worker stops on SIGTERM").isTrue();
    }
  }

  @Test
  void aBadConfigurationExitsWithCode2AndNamesTheKey(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("lifeboat.yaml");
    Files.writeString(
        config,
        "clusters:\n  shop:\n    nodes:\n      - {name: sydney, region: sydney, host: h, port: 99999}\n");

    Process worker = start(config, freePort());
    String output = new String(worker.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(worker.exitValue()).isEqualTo(2);
    assertThat(output)
        .contains("clusters.shop.nodes[0].port: 99999 is out of range; expected a port 1-65535");
  }

  private static Process start(Path config, int metricsPort) throws IOException {
    assertThat(JAR).as("the shaded worker jar; built by 'mvn package'").exists();
    ProcessBuilder builder =
        new ProcessBuilder("java", "-jar", JAR.toString(), config.toString())
            .directory(RealStack.ROOT.toFile())
            .redirectErrorStream(true);
    builder.environment().put("LIFEBOAT_METRICS_PORT", Integer.toString(metricsPort));
    return builder.start();
  }

  private static String awaitMetrics(int port, Process worker, String expected) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5))
            .build();
    String last = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
    while (System.nanoTime() < deadline) {
      assertThat(worker.isAlive()).as("worker process is running").isTrue();
      try {
        last = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (last.contains(expected)) {
          return last;
        }
      } catch (IOException notYetListening) {
        // The JVM is still starting.
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "no '" + expected + "' in /metrics within 45 s; last scrape:\n" + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
