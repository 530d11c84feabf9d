package dev.lifeboat.worker;

import dev.lifeboat.config.LifeboatConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

/**
 * A client of the local stack's Temporal server for the fault tests on a {@link PgPair}: it ends
 * the workflows a test owns before the test (an aborted earlier run would act on the new pair) and
 * after it.
 */
final class StackClient implements AutoCloseable {

  final WorkflowServiceStubs service;
  final WorkflowClient client;
  final String namespace;
  private final String[] owned;

  private StackClient(LifeboatConfig stack, String... owned) {
    this.namespace = stack.temporal().namespace();
    this.service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(stack.temporal().address()).build());
    this.client =
        WorkflowClient.newInstance(
            service, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    this.owned = owned;
  }

  /** Connects and terminates whatever still runs under the {@code owned} workflow ids. */
  static StackClient connect(String... owned) {
    StackClient stack = new StackClient(RealStack.config(), owned);
    stack.terminateOwned("left by an earlier run");
    return stack;
  }

  /** Terminates whatever runs under the owned workflow ids. */
  void terminateOwned(String why) {
    for (String id : owned) {
      PairChecks.terminate(client, id, why);
    }
  }

  /** Whether the newest run of {@code workflowId} started at or after {@code since} (epoch ms). */
  boolean startedSince(String workflowId, long since) {
    return PairChecks.startedSince(service, namespace, workflowId, since);
  }

  @Override
  public void close() {
    terminateOwned("test over");
    service.shutdown();
  }
}
