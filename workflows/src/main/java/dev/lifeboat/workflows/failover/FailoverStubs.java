package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The activity stubs of a failover, one per kind of step: each runs on the queue of the node's or
 * endpoint's region with the deadlines and retries that step needs. Create them in workflow code.
 */
final class FailoverStubs {

  private FailoverStubs() {}

  /** Fencing a node that may be gone: a short deadline, since its region's worker may be too. */
  static PostgresActivities quick(NodeSpec node) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setScheduleToCloseTimeout(Duration.ofSeconds(20))
            .setStartToCloseTimeout(Duration.ofSeconds(15))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(2)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.NO_DATA_DIR)
                    .build())
            .build());
  }

  static PostgresActivities slow(NodeSpec node) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setStartToCloseTimeout(Duration.ofMinutes(3))
            .setHeartbeatTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setDoNotRetry(
                        ErrorTypes.MISSING_SECRET,
                        ErrorTypes.NO_DATA_DIR,
                        ErrorTypes.REPLAY_TIMEOUT)
                    .build())
            .build());
  }

  static PostgresActivities promoter(NodeSpec node) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setStartToCloseTimeout(Duration.ofSeconds(90))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setMaximumAttempts(5)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.PROMOTION_FAILED)
                    .build())
            .build());
  }

  static PostgresActivities rejoiner(NodeSpec node) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setStartToCloseTimeout(Duration.ofMinutes(30))
            .setHeartbeatTimeout(Duration.ofMinutes(2))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(3)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET, ErrorTypes.NO_DATA_DIR)
                    .build())
            .build());
  }

  static String queueOf(TrafficEndpoint endpoint) {
    return endpoint.region() == null
        ? TaskQueues.ORCHESTRATION
        : TaskQueues.forRegion(endpoint.region());
  }

  static TrafficActivities fencer(TrafficEndpoint endpoint) {
    return Workflow.newActivityStub(
        TrafficActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queueOf(endpoint))
            .setScheduleToCloseTimeout(Duration.ofSeconds(30))
            .setStartToCloseTimeout(Duration.ofSeconds(20))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
            .build());
  }

  /** Redirects must happen once a standby is promoted: retried for up to ten minutes. */
  static TrafficActivities redirector(TrafficEndpoint endpoint) {
    return Workflow.newActivityStub(
        TrafficActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(queueOf(endpoint))
            .setScheduleToCloseTimeout(Duration.ofMinutes(10))
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofMillis(200))
                    .setMaximumInterval(Duration.ofSeconds(5))
                    .setDoNotRetry(ErrorTypes.INVALID_REQUEST, ErrorTypes.MISSING_SECRET)
                    .build())
            .build());
  }
}
