package dev.lifeboat.starter.cli;

import dev.lifeboat.config.TemporalSettings;
import dev.lifeboat.starter.client.LifeboatClient;
import dev.lifeboat.starter.client.RestoreClient;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.TransferProgress;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.RpcRetryOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Walks the paths a followed backup or restore takes (configuration, the Temporal client's calls,
 * payload conversion, the progress bar) against an address where nothing listens, so that {@code
 * scripts/build.sh} can record the classes they load in a class-data archive. The CLI is a
 * short-lived JVM: on two cores, loading and verifying those classes on every run cost seconds of
 * CPU taken from the backup it follows. Hidden: it is a build step, not an operator's command.
 */
@Command(
    name = "warm-up",
    hidden = true,
    description = "Exercises the CLI's common paths without a server (a build step).")
public final class WarmUpCommand implements Callable<Integer> {

  private static final Duration QUICK = Duration.ofMillis(200);

  @Mixin ConfigOption config;

  @Override
  public Integer call() throws Exception {
    if (config.file != null) {
      config.load();
    }
    TemporalSettings settings =
        new TemporalSettings("127.0.0.1:" + unusedPort(), "default", "http://127.0.0.1:1");
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(settings.address())
                .setRpcTimeout(QUICK)
                .setSystemInfoTimeout(QUICK)
                .setRpcRetryOptions(
                    RpcRetryOptions.newBuilder().setExpiration(QUICK).setMaximumAttempts(1).build())
                .build());
    try {
      WorkflowClient temporal =
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      LifeboatClient client = LifeboatClient.of(temporal, settings);
      RestoreClient restores = new RestoreClient(temporal);
      attempt(
          () ->
              client.startBackup(
                  new BackupRequest(
                      "warm-up", BackupRequest.FULL, null, List.of(), 0, null, null)));
      attempt(() -> client.backupProgress("warm-up"));
      attempt(() -> client.activityProgress("warm-up"));
      attempt(() -> client.awaitBackup("warm-up", QUICK));
      attempt(() -> restores.phase("warm-up"));
      attempt(() -> restores.await("warm-up", QUICK));
      TransferProgress progress = new TransferProgress("warm-up", 1, 2);
      DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
          0,
          DefaultDataConverter.STANDARD_INSTANCE.toPayloads(progress),
          TransferProgress.class,
          TransferProgress.class);
      try (TransferBar bar = new TransferBar(new PrintStream(OutputStream.nullOutputStream()))) {
        bar.show(Optional.of(progress));
      }
    } finally {
      stubs.shutdownNow();
    }
    return ExitCodes.OK;
  }

  /** Runs a call that is expected to fail for want of a server. */
  private static void attempt(Callable<?> call) {
    try {
      call.call();
    } catch (Exception expected) {
      // Nothing listens: the point was to load and run the code on the way to the failure.
    }
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
