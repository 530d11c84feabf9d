package dev.lifeboat.workflows.backup;

import dev.lifeboat.workflows.activities.BackupActivities;
import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.common.Failures;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.BackupCopy;
import dev.lifeboat.workflows.model.BackupProgress;
import dev.lifeboat.workflows.model.BackupRequest;
import dev.lifeboat.workflows.model.BackupResult;
import dev.lifeboat.workflows.model.BackupSummary;
import dev.lifeboat.workflows.model.BaseBackupTask;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.CopyTask;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TakenBackup;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Read once, land in one destination, copy to the rest in parallel, succeed on a quorum. An
 * incremental lands only where its parent is, so the first destination holding the parent takes it.
 */
public class BackupWorkflowImpl implements BackupWorkflow {

  private static final Logger log = Workflow.getLogger(BackupWorkflowImpl.class);

  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  /** Runs started before copies.json existed replay without the activity that writes it. */
  static final String RECORD_COPIES_CHANGE = "record-copies";

  /** Failures about the request or the source, not the destination that was being tried. */
  private static final List<String> FATAL_FOR_EVERY_DESTINATION =
      List.of(
          ErrorTypes.FILES_SOURCE_UNAVAILABLE,
          ErrorTypes.PARENT_NOT_USABLE,
          ErrorTypes.WAL_GAP,
          ErrorTypes.MISSING_SECRET,
          ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED,
          ErrorTypes.PG_TOOLS_MISSING);

  private final BackupActivities configuration = BackupActivityStubs.quick();

  /** Copies run anywhere; each has its own retries, so one slow destination delays only itself. */
  private final BackupActivities copies = BackupActivityStubs.longRunning();

  private String backupId;
  private String phase = "starting";
  private String landing;
  private final List<String> sealed = new ArrayList<>();

  @Override
  public BackupResult backup(BackupRequest request) {
    String cluster = requireCluster(request);
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_BACKUP));
    String type = request.typeOrDefault();
    boolean incremental = BackupRequest.INCREMENTAL.equals(type);
    if (!incremental && !BackupRequest.FULL.equals(type)) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "backup type '" + type + "' is not known; use \"full\" or \"incremental\"",
              ErrorTypes.UNSUPPORTED_BACKUP_TYPE));
    }
    Instant startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    backupId = ID_TIME.format(startedAt) + (incremental ? "-incr" : "-full");

    ClusterSpec spec = topology.describeCluster(cluster);
    NodeSpec source = chooseSource(spec, request.sourceNode());
    List<String> destinations = chooseDestinations(request.destinations());
    int quorum = request.quorum() <= 0 ? destinations.size() : request.quorum();
    if (quorum > destinations.size()) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "quorum "
                  + quorum
                  + " is larger than the "
                  + destinations.size()
                  + " destinations "
                  + destinations,
              ErrorTypes.INVALID_REQUEST));
    }

    String parentId =
        incremental
            ? chooseParent(cluster, request.parent(), destinations, request.source())
            : null;

    phase = "streaming";
    Map<String, BackupCopy> results = new LinkedHashMap<>();
    TakenBackup taken = land(cluster, source, destinations, results, request.source(), parentId);
    if (taken == null) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "no destination accepted backup " + backupId + ": " + results.values(),
              ErrorTypes.QUORUM_NOT_MET));
    }

    phase = "copying";
    copyToTheRest(cluster, destinations, results);

    List<BackupCopy> ordered = new ArrayList<>();
    for (String destination : destinations) {
      ordered.add(results.get(destination));
    }
    if (Workflow.getVersion(RECORD_COPIES_CHANGE, Workflow.DEFAULT_VERSION, 1) == 1) {
      configuration.recordCopies(cluster, backupId, ordered);
    }
    BackupResult result =
        new BackupResult(
            backupId,
            cluster,
            type,
            source.name(),
            taken.startLsn(),
            taken.stopLsn(),
            taken.rawBytes(),
            quorum,
            ordered,
            startedAt,
            Instant.ofEpochMilli(Workflow.currentTimeMillis()),
            parentId,
            taken.method(),
            taken.shareOfFull(),
            taken.warnings());
    if (result.completeCopies() < quorum) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "backup "
                  + backupId
                  + " has "
                  + result.completeCopies()
                  + " sealed copies, fewer than the quorum of "
                  + quorum
                  + ": "
                  + ordered,
              ErrorTypes.QUORUM_NOT_MET,
              result));
    }
    backfillMissingCopies(cluster, result);
    phase = "done";
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.OUTCOME.valueSet(
            result.completeCopies() == destinations.size() ? "complete" : "partial"));
    log.info(
        "backup {} of {}: {} of {} copies",
        backupId,
        cluster,
        result.completeCopies(),
        destinations.size());
    return result;
  }

  /**
   * Starts a child that keeps retrying the missing copies after this workflow has returned: the
   * backup succeeded on its quorum, and the destinations that were away get their copy when they
   * come back.
   */
  private void backfillMissingCopies(String cluster, BackupResult result) {
    List<String> missing = new ArrayList<>();
    for (BackupCopy copy : result.copies()) {
      if (!copy.complete()) {
        missing.add(copy.destination());
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    BackfillCopiesWorkflow backfill =
        Workflow.newChildWorkflowStub(
            BackfillCopiesWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId("backfill-" + cluster + "-" + backupId)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .build());
    Async.function(backfill::backfill, cluster, backupId, landing, missing);
    // Wait until the child has really started, so it survives this workflow's completion.
    Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(backfill);
    started.get();
    log.info(
        "backup {}: backfilling {} in {}",
        backupId,
        missing,
        "backfill-" + cluster + "-" + backupId);
  }

  @Override
  public BackupProgress progress() {
    return new BackupProgress(backupId, phase, landing, sealed);
  }

  /**
   * Streams the backup into the first destination that takes it; a destination that fails after its
   * retries is recorded and the next one is tried, so one outage does not stop the backup.
   */
  private TakenBackup land(
      String cluster,
      NodeSpec source,
      List<String> destinations,
      Map<String, BackupCopy> results,
      String method,
      String parentId) {
    BackupActivities streaming =
        Workflow.newActivityStub(
            BackupActivities.class,
            ActivityOptions.newBuilder()
                .setTaskQueue(TaskQueues.forRegion(source.region()))
                .setStartToCloseTimeout(Duration.ofHours(12))
                .setHeartbeatTimeout(BackupActivityStubs.HEARTBEAT_TIMEOUT)
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(2))
                        .setMaximumInterval(Duration.ofSeconds(30))
                        .setMaximumAttempts(3)
                        .setDoNotRetry(
                            ErrorTypes.MISSING_SECRET,
                            ErrorTypes.UNKNOWN_DESTINATION,
                            ErrorTypes.FILES_SOURCE_UNAVAILABLE,
                            ErrorTypes.PARENT_NOT_USABLE,
                            ErrorTypes.PARENT_MISSING,
                            ErrorTypes.WAL_GAP,
                            ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED,
                            ErrorTypes.PG_TOOLS_MISSING)
                        .build())
                .build());
    for (String destination : destinations) {
      landing = destination;
      try {
        BaseBackupTask task =
            new BaseBackupTask(cluster, backupId, source, destination, method, parentId);
        TakenBackup taken =
            parentId == null ? streaming.takeFull(task) : streaming.takeIncremental(task);
        results.put(destination, taken.copy());
        sealed.add(destination);
        return taken;
      } catch (ActivityFailure failure) {
        String type = Failures.rootType(failure);
        if (FATAL_FOR_EVERY_DESTINATION.contains(type)) {
          // Another destination would fail the same way: say why at once.
          throw failed(
              ApplicationFailure.newNonRetryableFailure(Failures.rootMessage(failure), type));
        }
        results.put(destination, BackupCopy.missing(destination, Failures.rootMessage(failure)));
        log.warn(
            "backup {} could not land in {}: {}",
            backupId,
            destination,
            Failures.rootMessage(failure));
      }
    }
    return null;
  }

  private void copyToTheRest(
      String cluster, List<String> destinations, Map<String, BackupCopy> results) {
    Map<String, Promise<BackupCopy>> pending = new LinkedHashMap<>();
    for (String destination : destinations) {
      if (!results.containsKey(destination)) {
        pending.put(
            destination,
            Async.function(copies::copy, new CopyTask(cluster, backupId, landing, destination)));
      }
    }
    for (Map.Entry<String, Promise<BackupCopy>> copy : pending.entrySet()) {
      try {
        results.put(copy.getKey(), copy.getValue().get());
        sealed.add(copy.getKey());
      } catch (ActivityFailure failure) {
        results.put(
            copy.getKey(), BackupCopy.missing(copy.getKey(), Failures.rootMessage(failure)));
      }
    }
  }

  /**
   * The parent of an incremental: the one asked for, or the newest backup of the cluster in the
   * first destination.
   */
  private String chooseParent(
      String cluster, String requested, List<String> destinations, String source) {
    if (requested != null && !requested.isBlank()) {
      return requested;
    }
    List<BackupSummary> existing = configuration.list(cluster, destinations.get(0));
    if (existing.isEmpty()) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "cluster "
                  + cluster
                  + " has no backup in "
                  + destinations.get(0)
                  + " for an incremental to build on: take a full backup first"
                  + " (lifeboat backup full --source "
                  + (BackupRequest.SOURCE_STREAM.equals(source) ? "stream" : "files")
                  + ")",
              ErrorTypes.PARENT_NOT_USABLE));
    }
    return existing.get(existing.size() - 1).backupId();
  }

  private NodeSpec chooseSource(ClusterSpec spec, String requested) {
    if (requested != null && !requested.isBlank()) {
      return spec.nodes().stream()
          .filter(n -> n.name().equals(requested))
          .findFirst()
          .orElseThrow(
              () ->
                  failed(
                      ApplicationFailure.newNonRetryableFailure(
                          "source node '" + requested + "' is not a node of cluster " + spec.name(),
                          ErrorTypes.NO_SOURCE)));
    }
    List<NodeProbe> probes = new RegionalProbes(Duration.ofSeconds(60)).probeAll(spec);
    Optional<NodeProbe> primary =
        probes.stream().filter(p -> p.reachable() && p.role() == NodeRole.PRIMARY).findFirst();
    if (primary.isEmpty()) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "cluster " + spec.name() + " has no reachable primary to back up; probes: " + probes,
              ErrorTypes.NO_SOURCE));
    }
    return spec.nodes().stream()
        .filter(n -> n.name().equals(primary.get().node()))
        .findFirst()
        .orElseThrow();
  }

  private List<String> chooseDestinations(List<String> requested) {
    List<String> configured = configuration.destinations();
    if (configured.isEmpty()) {
      throw failed(
          ApplicationFailure.newNonRetryableFailure(
              "the worker has no backup destinations configured; add backup.destinations to lifeboat.yaml",
              ErrorTypes.UNKNOWN_DESTINATION));
    }
    if (requested.isEmpty()) {
      return configured;
    }
    for (String name : requested) {
      if (!configured.contains(name)) {
        throw failed(
            ApplicationFailure.newNonRetryableFailure(
                "destination '"
                    + name
                    + "' is not configured on the worker; configured: "
                    + configured,
                ErrorTypes.UNKNOWN_DESTINATION));
      }
    }
    return requested;
  }

  private ApplicationFailure failed(ApplicationFailure failure) {
    phase = "failed";
    Workflow.upsertTypedSearchAttributes(DrSearchAttributes.OUTCOME.valueSet("failed"));
    return failure;
  }

  private static String requireCluster(BackupRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "BackupWorkflow needs a cluster name: start it with --input '{\"cluster\":\"shop\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    return request.cluster();
  }
}
