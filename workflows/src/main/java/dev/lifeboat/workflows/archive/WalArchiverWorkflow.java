package dev.lifeboat.workflows.archive;

import dev.lifeboat.workflows.model.WalArchiveProgress;
import dev.lifeboat.workflows.model.WalArchiveStatus;
import dev.lifeboat.workflows.model.WalArchiverRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Continuous WAL archiving of one cluster (the {@code continuous} backup strategy): runs the
 * archiving activity ({@code pg_receivewal} on a replication slot, closed segments shipped to every
 * destination) slice after slice on the primary's region queue, and continues as new every few
 * slices so its history stays short. One per cluster: its id is {@code wal-archiver-<cluster>}.
 *
 * <p>Start it with {@code lifeboat archive start --cluster shop}, or:
 *
 * <pre>
 * temporal workflow start --type WalArchiverWorkflow --task-queue lifeboat \
 *   --workflow-id wal-archiver-shop --id-conflict-policy UseExisting \
 *   --input '{"cluster":"shop"}'
 * </pre>
 *
 * <p>Stop it with {@code lifeboat archive stop --cluster shop} or {@code temporal workflow update
 * execute --workflow-id wal-archiver-shop --name stop --input false} ({@code true} also drops the
 * replication slot). Search attributes: {@code DrCluster}, {@code DrKind=backup}.
 */
@WorkflowInterface
public interface WalArchiverWorkflow {

  /** The workflow type name, for {@code temporal workflow start --type}. */
  String TYPE = "WalArchiverWorkflow";

  /** The name of the progress signal the archiving activity sends. */
  String PROGRESS_SIGNAL = "progress";

  /**
   * Archives until stopped; continues as new every {@code slicesPerRun} slices.
   *
   * @param request the cluster and the archiver's tuning
   */
  @WorkflowMethod(name = TYPE)
  void archive(WalArchiverRequest request);

  /**
   * Returns the last archived segment, LSN and time, the archive lag (RPO) in bytes and seconds,
   * and each destination's health.
   */
  @QueryMethod
  WalArchiveStatus status();

  /**
   * Stops the archiver cleanly: the running slice ships the segments already closed and returns,
   * then the workflow completes.
   *
   * @param dropSlot also drop the replication slot, so the primary stops keeping WAL for the
   *     archiver (the next start then begins a new, unconnected archive)
   * @return the final status
   */
  @UpdateMethod
  WalArchiveStatus stop(boolean dropSlot);

  /** Progress from the running archiving activity; sent by the activity, not by people. */
  @SignalMethod(name = PROGRESS_SIGNAL)
  void progress(WalArchiveProgress progress);
}
