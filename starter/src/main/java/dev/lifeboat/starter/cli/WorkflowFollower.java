package dev.lifeboat.starter.cli;

import dev.lifeboat.starter.client.LifeboatClient;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Follows a running workflow until it closes by describing it a few times a second, for the CLI's
 * progress displays. It does not wait in the SDK's {@code getResult} with a timeout: that long poll
 * of the history came back at once and was sent again, over and over, while the workflow ran, and
 * cost the CLI a quarter of a core (5.4 s of CPU following a 17 s backup), taken from the worker on
 * a database host with two cores. Once the workflow has closed, {@code getResult} returns at once.
 */
final class WorkflowFollower {

  /** How often the workflow is described: a closed one is noticed this late at most. */
  static final Duration POLL = Duration.ofMillis(200);

  /** How often the display is refreshed (a query to the workflow, and the progress bar). */
  static final Duration REFRESH = Duration.ofSeconds(1);

  /** How long the result of a closed workflow is waited for: it is there, so not long. */
  static final Duration RESULT_AFTER_CLOSE = Duration.ofSeconds(30);

  /** Refreshes the display of a running workflow. */
  @FunctionalInterface
  interface Display {
    void refresh(LifeboatClient.RunState state) throws Exception;
  }

  private WorkflowFollower() {}

  /**
   * Returns when the workflow has closed, refreshing the display while it runs.
   *
   * @param what what the workflow does, for the timeout's message ("backup", "restore")
   * @throws TimeoutException when it still runs after {@code timeout}; it keeps running
   */
  static void untilClosed(
      LifeboatClient client, String workflowId, String what, Duration timeout, Display display)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextRefresh = System.nanoTime();
    while (true) {
      LifeboatClient.RunState state = client.runState(workflowId);
      if (!state.running()) {
        return;
      }
      long now = System.nanoTime();
      if (now > deadline) {
        throw new TimeoutException(
            what
                + " "
                + workflowId
                + " is still running after "
                + timeout
                + "; it continues, follow it in the Web UI");
      }
      if (now >= nextRefresh) {
        display.refresh(state);
        nextRefresh = now + REFRESH.toNanos();
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
