package dev.lifeboat.workflows.archive;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.activities.WalArchiverActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.WalArchiveProgress;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalArchiveTask;
import dev.lifeboat.workflows.model.WalArchiverRequest;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Find the primary, archive one slice on its region's queue, fold the slice's statistics into the
 * status, repeat; continue as new after {@code slicesPerRun} slices; on {@code stop}, cancel the
 * running slice (it ships what is closed and returns) and complete.
 */
public class WalArchiverWorkflowImpl implements WalArchiverWorkflow {

  private static final Logger log = Workflow.getLogger(WalArchiverWorkflowImpl.class);

  /** An archiving activity that stops heartbeating this long is presumed dead and restarted. */
  static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);

  /** Time a slice gets beyond its length to ship what is closed. */
  static final Duration SLICE_GRACE = Duration.ofMinutes(15);

  /** Attempts of one slice (about 8 minutes of retries) before the primary is looked up again. */
  static final int MAX_ATTEMPTS = 10;

  /** How long to wait before looking for a primary again when there is none. */
  static final Duration NO_PRIMARY_WAIT = Duration.ofSeconds(30);

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  private final BackupActivities configuration =
      Workflow.newActivityStub(
          BackupActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  private WalArchiveStatus status;
  private boolean stopRequested;
  private boolean dropSlot;
  private CancellationScope running;
  private long archivedBeforeSlice;
  private long archivedInSlice;
  private Instant progressAt;

  @Override
  public void archive(WalArchiverRequest request) {
    String cluster = requireCluster(request);
    String slot = request.slotOrDefault();
    status =
        request.carried() == null
            ? WalArchiveStatus.starting(cluster, slot)
            : withPhase(request.carried(), "starting");
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_BACKUP));

    ClusterSpec spec = topology.describeCluster(cluster);
    List<String> destinations = configuration.destinations();
    if (destinations.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the worker has no backup destinations configured to archive WAL of "
              + cluster
              + " to; add backup.destinations to lifeboat.yaml",
          ErrorTypes.UNKNOWN_DESTINATION);
    }

    NodeSpec source = null;
    for (int slice = 0; slice < request.slicesPerRunOrDefault() && !stopRequested; slice++) {
      Optional<NodeSpec> primary = findPrimary(spec);
      if (primary.isEmpty()) {
        status =
            withError(
                withPhase(status, "waiting"),
                "cluster "
                    + cluster
                    + " has no reachable primary to stream WAL from; retrying in "
                    + NO_PRIMARY_WAIT.toSeconds()
                    + " s");
        log.warn(status.lastError());
        Workflow.await(NO_PRIMARY_WAIT, () -> stopRequested);
        continue;
      }
      source = primary.get();
      archiveSlice(
          request,
          new WalArchiveTask(
              cluster,
              source,
              slot,
              destinations,
              request.sliceSecondsOrDefault(),
              request.maxSegmentsPerSliceOrDefault(),
              request.maxBacklogSegmentsOrDefault(),
              status.completeThrough()));
    }

    if (!stopRequested) {
      log.info("WAL archiver of {}: continuing as new at {}", cluster, status.lastSegment());
      Workflow.continueAsNew(request.carrying(withPhase(status, "archiving")));
      return;
    }
    status = withPhase(status, "stopping");
    if (dropSlot) {
      NodeSpec node = source != null ? source : findPrimary(spec).orElse(null);
      if (node == null) {
        status =
            withError(
                status,
                "slot "
                    + slot
                    + " was not dropped: no reachable primary; drop it by hand with SELECT pg_drop_replication_slot('"
                    + slot
                    + "')");
      } else {
        slots(node).dropSlot(node, cluster, slot);
      }
    }
    status = withPhase(status, "stopped");
    log.info("WAL archiver of {} stopped at {}", cluster, status.lastSegment());
    Workflow.await(Workflow::isEveryHandlerFinished);
  }

  /** Runs one slice in its own cancellation scope, so {@code stop} can end it early. */
  private void archiveSlice(WalArchiverRequest request, WalArchiveTask task) {
    status = withPhase(status, "archiving");
    archivedBeforeSlice = status.segmentsArchived();
    archivedInSlice = 0;
    WalArchiverActivities archiver = archiver(task.source(), request.sliceSecondsOrDefault());
    Promise<WalArchiveProgress>[] result = newPromiseHolder();
    running =
        Workflow.newCancellationScope(() -> result[0] = Async.function(archiver::archive, task));
    running.run();
    try {
      apply(result[0].get());
      status = withError(status, null);
    } catch (ActivityFailure failure) {
      if (stopRequested && failure.getCause() instanceof CanceledFailure) {
        log.info("WAL archiving slice of {} cancelled by stop", task.cluster());
      } else if (failure.getCause() instanceof ApplicationFailure app && app.isNonRetryable()) {
        status = withError(status, Failures.rootMessage(failure));
        throw failure;
      } else {
        // Retries ran out (the source is down, perhaps failed over): look for the primary again.
        status = withError(status, Failures.rootMessage(failure));
        log.warn("WAL archiving slice of {} failed: {}", task.cluster(), status.lastError());
      }
    } catch (CanceledFailure cancelled) {
      log.info("WAL archiving slice of {} cancelled by stop", task.cluster());
    } finally {
      running = null;
    }
    status = withSlices(status, status.slices() + 1);
  }

  @SuppressWarnings("unchecked")
  private static Promise<WalArchiveProgress>[] newPromiseHolder() {
    return (Promise<WalArchiveProgress>[]) new Promise<?>[1];
  }

  @Override
  public WalArchiveStatus status() {
    return status;
  }

  @Override
  public WalArchiveStatus stop(boolean drop) {
    stopRequested = true;
    dropSlot |= drop;
    if (running != null) {
      running.cancel("stop requested");
    }
    Workflow.await(() -> status != null && "stopped".equals(status.phase()));
    return status;
  }

  @Override
  public void progress(WalArchiveProgress progress) {
    if (status == null || progress == null) {
      return;
    }
    apply(progress);
  }

  /** Folds a progress report into the status: the newest segment and the newest measurement win. */
  private void apply(WalArchiveProgress p) {
    WalArchiveStatus s = status;
    boolean newerSegment =
        p.lastSegment() != null
            && (s.lastSegment() == null || p.lastSegment().compareTo(s.lastSegment()) >= 0);
    boolean newerMeasurement =
        p.measuredAt() != null && (progressAt == null || !p.measuredAt().isBefore(progressAt));
    archivedInSlice = Math.max(archivedInSlice, p.segmentsArchived());
    String complete =
        p.completeThrough() != null
                && (s.completeThrough() == null
                    || p.completeThrough().compareTo(s.completeThrough()) > 0)
            ? p.completeThrough()
            : s.completeThrough();
    if (newerMeasurement) {
      progressAt = p.measuredAt();
    }
    status =
        new WalArchiveStatus(
            s.cluster(),
            s.phase(),
            s.slot(),
            p.source() != null ? p.source() : s.source(),
            newerSegment ? p.lastSegment() : s.lastSegment(),
            newerSegment ? p.lastLsn() : s.lastLsn(),
            newerSegment ? p.lastSegmentClosedAt() : s.lastSegmentClosedAt(),
            newerSegment ? p.lastArchivedAt() : s.lastArchivedAt(),
            complete,
            archivedBeforeSlice + archivedInSlice,
            newerMeasurement ? p.primaryLsn() : s.primaryLsn(),
            newerMeasurement ? p.lagBytes() : s.lagBytes(),
            newerMeasurement ? p.lagSeconds() : s.lagSeconds(),
            newerMeasurement ? p.measuredAt() : s.lagMeasuredAt(),
            newerMeasurement ? p.destinations() : s.destinations(),
            s.slices(),
            s.lastError(),
            newerMeasurement ? p.warning() : s.warning());
  }

  private Optional<NodeSpec> findPrimary(ClusterSpec spec) {
    List<NodeProbe> probes = new RegionalProbes(Duration.ofSeconds(60)).probeAll(spec);
    return probes.stream()
        .filter(p -> p.reachable() && p.role() == NodeRole.PRIMARY)
        .findFirst()
        .flatMap(p -> spec.nodes().stream().filter(n -> n.name().equals(p.node())).findFirst());
  }

  /**
   * The archiving activity, on the source's region queue, retried until it works or is told not to.
   */
  private static WalArchiverActivities archiver(NodeSpec source, int sliceSeconds) {
    return Workflow.newActivityStub(
        WalArchiverActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(source.region()))
            .setStartToCloseTimeout(Duration.ofSeconds(sliceSeconds).plus(SLICE_GRACE))
            .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(2))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofMinutes(1))
                    // Then the workflow probes again, so a failover moves the archiver along.
                    .setMaximumAttempts(MAX_ATTEMPTS)
                    .setDoNotRetry(
                        ErrorTypes.MISSING_SECRET,
                        ErrorTypes.UNKNOWN_DESTINATION,
                        ErrorTypes.WAL_TOOL_MISSING,
                        ErrorTypes.WAL_GAP)
                    .build())
            .build());
  }

  private static WalArchiverActivities slots(NodeSpec source) {
    return Workflow.newActivityStub(
        WalArchiverActivities.class,
        ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.forRegion(source.region()))
            .setStartToCloseTimeout(Duration.ofSeconds(30))
            .setRetryOptions(
                RetryOptions.newBuilder()
                    .setMaximumAttempts(5)
                    .setDoNotRetry(ErrorTypes.MISSING_SECRET)
                    .build())
            .build());
  }

  private static String requireCluster(WalArchiverRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "WalArchiverWorkflow needs a cluster name: start it with --input '{\"cluster\":\"shop\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    return request.cluster();
  }

  private static WalArchiveStatus withPhase(WalArchiveStatus s, String phase) {
    return new WalArchiveStatus(
        s.cluster(),
        phase,
        s.slot(),
        s.source(),
        s.lastSegment(),
        s.lastLsn(),
        s.lastSegmentClosedAt(),
        s.lastArchivedAt(),
        s.completeThrough(),
        s.segmentsArchived(),
        s.primaryLsn(),
        s.lagBytes(),
        s.lagSeconds(),
        s.lagMeasuredAt(),
        s.destinations(),
        s.slices(),
        s.lastError(),
        s.warning());
  }

  private static WalArchiveStatus withError(WalArchiveStatus s, String error) {
    return new WalArchiveStatus(
        s.cluster(),
        s.phase(),
        s.slot(),
        s.source(),
        s.lastSegment(),
        s.lastLsn(),
        s.lastSegmentClosedAt(),
        s.lastArchivedAt(),
        s.completeThrough(),
        s.segmentsArchived(),
        s.primaryLsn(),
        s.lagBytes(),
        s.lagSeconds(),
        s.lagMeasuredAt(),
        s.destinations(),
        s.slices(),
        error,
        s.warning());
  }

  private static WalArchiveStatus withSlices(WalArchiveStatus s, long slices) {
    return new WalArchiveStatus(
        s.cluster(),
        s.phase(),
        s.slot(),
        s.source(),
        s.lastSegment(),
        s.lastLsn(),
        s.lastSegmentClosedAt(),
        s.lastArchivedAt(),
        s.completeThrough(),
        s.segmentsArchived(),
        s.primaryLsn(),
        s.lagBytes(),
        s.lagSeconds(),
        s.lagMeasuredAt(),
        s.destinations(),
        slices,
        s.lastError(),
        s.warning());
  }
}
