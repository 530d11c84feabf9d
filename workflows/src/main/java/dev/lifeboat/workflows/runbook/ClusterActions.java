package dev.lifeboat.workflows.runbook;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.activities.RunbookStepActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.failover.ClusterLockWorkflow;
import dev.lifeboat.workflows.failover.FailoverWorkflow;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code postgres} and {@code traffic} step types, carried out by the activities the failover
 * uses ({@link PostgresActivities}, {@link TrafficActivities}) on the node's or endpoint's own task
 * queue, so a runbook and an automatic failover act on a cluster in exactly the same way. The two
 * read-and-report actions ({@code top-statements}, {@code terminate-backends}) are plain SQL and go
 * to the {@code sql} step activity.
 */
final class ClusterActions {

  /** Reads pg_stat_statements; the extension must be installed in the target database. */
  static final String TOP_STATEMENTS =
      "SELECT round(total_exec_time::numeric, 1) AS total_ms, calls,"
          + " round(mean_exec_time::numeric, 2) AS mean_ms, left(regexp_replace(query, '\\s+',"
          + " ' ', 'g'), 120) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC"
          + " LIMIT ?::int";

  /** Ends client queries running longer than a threshold; Lifeboat's own sessions are spared. */
  static final String TERMINATE_LONG_QUERIES =
      "SELECT count(pg_terminate_backend(pid)) AS terminated FROM pg_stat_activity WHERE"
          + " backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()"
          + " AND application_name NOT LIKE 'lifeboat%' AND now() - query_start > ?::interval";

  private final RunbookRequest request;
  private ClusterSpec spec;

  /** The node this run promoted, or tried to: a promotion that failed may still have happened. */
  private String promoted;

  /** Whether this run holds its cluster's failover lock (see {@link ClusterLockWorkflow}). */
  private boolean locked;

  /** The lock this run took, to release when it ends; null without one. */
  private ClusterLockWorkflow lock;

  ClusterActions(RunbookRequest request) {
    this.request = request;
  }

  String postgres(
      RunbookStep step, Map<String, Object> with, int attempt, Duration timeout, boolean dryRun) {
    String action = String.valueOf(with.get("action"));
    String target = with.get("target") == null ? "primary" : String.valueOf(with.get("target"));
    switch (action) {
      case "top-statements" -> {
        Object limit = with.get("limit") == null ? "10" : with.get("limit");
        return sql(
            step,
            TOP_STATEMENTS,
            target,
            List.of(String.valueOf(limit)),
            false,
            attempt,
            timeout,
            dryRun);
      }
      case "terminate-backends" -> {
        Object age = with.get("olderThan") == null ? "5m" : with.get("olderThan");
        return sql(
            step,
            TERMINATE_LONG_QUERIES,
            target,
            List.of(String.valueOf(age)),
            true,
            attempt,
            timeout,
            dryRun);
      }
      case "set-read-only" -> {
        NodeSpec node = node(target);
        boolean readOnly = !"false".equals(String.valueOf(with.get("readOnly")));
        if (dryRun) {
          return readOnly
              ? "would fence writes on "
                  + node.name()
                  + ": default_transaction_read_only = on,"
                  + " client sessions terminated"
              : "would let " + node.name() + " take writes again";
        }
        holdClusterLock();
        if (!readOnly) {
          refuseSecondPrimary(node);
          postgres(node, timeout).unfenceWrites(node);
          return node.name() + " takes writes again";
        }
        return describe(postgres(node, timeout).fenceWrites(node));
      }
      case "promote" -> {
        NodeSpec node = node(target);
        if (dryRun) {
          return "would promote " + node.name() + " with pg_promote() and prove it takes writes";
        }
        holdClusterLock();
        promoted = node.name();
        PromotionResult result = postgres(node, timeout).promote(node);
        return node.name()
            + (result.alreadyPrimary() ? " already was the primary" : " promoted")
            + ": timeline "
            + result.timeline()
            + ", lsn "
            + result.lsn()
            + ", "
            + result.millis()
            + " ms";
      }
      default ->
          throw new StepFailure(
              "postgres action '" + action + "' is not carried out by this interpreter", true);
    }
  }

  /**
   * Takes the cluster's failover lock before the first step that fences, promotes or redirects, and
   * keeps it until the run ends: a runbook and a {@code FailoverWorkflow} (the monitor's or an
   * operator's) never change one cluster at the same time.
   */
  private void holdClusterLock() {
    if (locked) {
      return;
    }
    if (Workflow.getVersion("cluster-lock", Workflow.DEFAULT_VERSION, 1) < 1) {
      locked = true;
      return;
    }
    String id = FailoverWorkflow.workflowId(request.cluster());
    ClusterLockWorkflow taken =
        Workflow.newChildWorkflowStub(
            ClusterLockWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE)
                .build());
    Async.procedure(taken::hold, "runbook " + Workflow.getInfo().getWorkflowId());
    try {
      Workflow.getWorkflowExecution(taken).get();
      locked = true;
      lock = taken;
    } catch (TemporalFailure inUse) {
      throw new StepFailure(
          "a failover of "
              + request.cluster()
              + " runs (workflow "
              + id
              + "), and this step changes the same cluster: it was not run. Retry it once that"
              + " failover has ended ('lifeboat failover status --cluster "
              + request.cluster()
              + "'), or abort");
    }
  }

  /** Releases the cluster's failover lock, if this run took it: the run has ended. */
  void releaseClusterLock() {
    if (lock != null) {
      lock.release();
      lock = null;
    }
  }

  /**
   * Once this run promoted a node, letting another node take writes again would make two primaries,
   * whether as a step or as a rollback (a failed redirect, the rollback timer): it is refused, and
   * the old primary stays fenced until it is rejoined as a standby.
   */
  private void refuseSecondPrimary(NodeSpec node) {
    if (promoted == null
        || promoted.equals(node.name())
        || Workflow.getVersion("no-writes-after-promotion", Workflow.DEFAULT_VERSION, 1) < 1) {
      return;
    }
    throw new StepFailure(
        "refused: "
            + promoted
            + " was promoted in this run, so letting "
            + node.name()
            + " take writes again would make two primaries; it stays fenced. Rejoin it as a"
            + " standby with 'lifeboat failover failback --cluster "
            + request.cluster()
            + "'",
        true);
  }

  String traffic(RunbookStep step, Map<String, Object> with, Duration timeout, boolean dryRun) {
    String action = String.valueOf(with.get("action"));
    TrafficEndpoint endpoint = endpoint(with.get("endpoint"));
    NodeSpec target = node(String.valueOf(with.get("target")));
    if (dryRun) {
      return "pause".equals(action)
          ? "would hold clients of " + endpoint.name() + " away from " + target.name()
          : "would send clients of " + endpoint.name() + " to " + target.name();
    }
    holdClusterLock();
    TrafficActivities traffic =
        Workflow.newActivityStub(
            TrafficActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(
                    endpoint.region() == null
                        ? TaskQueues.ORCHESTRATION
                        : TaskQueues.forRegion(endpoint.region()))
                .setStartToCloseTimeout(timeout)
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    FenceReport report =
        "pause".equals(action)
            ? traffic.hold(endpoint, target)
            : traffic.redirect(endpoint, target, cluster().nodes());
    return describe(report);
  }

  private String sql(
      RunbookStep step,
      String query,
      String target,
      List<String> params,
      boolean write,
      int attempt,
      Duration timeout,
      boolean dryRun) {
    Map<String, Object> with = new LinkedHashMap<>();
    with.put("target", target);
    with.put("query", query);
    with.put("params", params);
    with.put("write", write);
    RunbookStepActivities steps =
        Workflow.newActivityStub(
            RunbookStepActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setStartToCloseTimeout(timeout)
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                .build());
    StepInvocation invocation =
        new StepInvocation(
            Workflow.getInfo().getWorkflowId(),
            step.id(),
            StepTypes.SQL,
            with,
            request.cluster(),
            attempt,
            timeout.toSeconds());
    return dryRun ? steps.plan(invocation).output() : steps.execute(invocation).output();
  }

  private static PostgresActivities postgres(NodeSpec node, Duration timeout) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(node.region()))
            .setStartToCloseTimeout(timeout)
            // The interpreter counts and spaces attempts itself, so operators see them.
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private ClusterSpec cluster() {
    if (spec == null) {
      if (request.cluster() == null) {
        throw new StepFailure("this step needs a cluster; start the run with --cluster", true);
      }
      spec =
          Workflow.newActivityStub(
                  TopologyActivities.class,
                  ActivityOptions.newBuilder()
                      .setStartToCloseTimeout(Duration.ofSeconds(10))
                      .setRetryOptions(
                          RetryOptions.newBuilder()
                              .setMaximumAttempts(5)
                              .setDoNotRetry(ErrorTypes.UNKNOWN_CLUSTER)
                              .build())
                      .build())
              .describeCluster(request.cluster());
    }
    return spec;
  }

  private NodeSpec node(String name) {
    NodeSpec node = cluster().node(name);
    if (node == null) {
      throw new StepFailure(
          "'"
              + name
              + "' is not a node of cluster "
              + request.cluster()
              + "; nodes: "
              + cluster().nodes().stream().map(NodeSpec::name).toList(),
          true);
    }
    return node;
  }

  private TrafficEndpoint endpoint(Object name) {
    List<TrafficEndpoint> endpoints = cluster().traffic();
    if (endpoints.isEmpty()) {
      throw new StepFailure(
          "cluster " + request.cluster() + " has no traffic endpoint in lifeboat.yaml", true);
    }
    if (name == null) {
      return endpoints.get(0);
    }
    return endpoints.stream()
        .filter(e -> e.name().equals(String.valueOf(name)))
        .findFirst()
        .orElseThrow(
            () ->
                new StepFailure(
                    "cluster "
                        + request.cluster()
                        + " has no traffic endpoint '"
                        + name
                        + "'; endpoints: "
                        + endpoints.stream().map(TrafficEndpoint::name).toList(),
                    true));
  }

  private static String describe(FenceReport report) {
    if (!report.done()) {
      throw new StepFailure(report.layer() + " did not take effect: " + report.detail());
    }
    return report.layer() + ": " + report.detail();
  }
}
