package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.WalArchiveProgress;
import dev.lifeboat.workflows.model.WalArchiveTask;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Continuous WAL archiving: {@code pg_receivewal} on a physical replication slot into a spool on
 * the worker, each closed segment shipped through the data plane to every destination. Runs on the
 * source node's region queue, next to the database.
 */
@ActivityInterface(namePrefix = "Wal_")
public interface WalArchiverActivities {

  /**
   * Archives WAL for one slice: creates the slot when missing, streams with {@code pg_receivewal},
   * ships every closed segment (never a {@code .partial} one) to every destination, deletes it from
   * the spool once all have it, measures the archive lag, and returns after {@code sliceSeconds} or
   * {@code maxSegments}, or when cancelled, after shipping what is closed.
   *
   * <p>Idempotent and resumable: it heartbeats its progress every few seconds and resumes from the
   * last heartbeat, the spool and the slot; a segment already in a destination is checked against
   * its seal and rewritten only when it does not match. A failing destination gets its own backoff
   * and backlog, so it does not hold back the others. It also signals {@code progress} to its
   * workflow, so the workflow's status stays fresh during the slice.
   *
   * @throws io.temporal.failure.ApplicationFailure {@code MissingSecret}, {@code
   *     UnknownDestination}, {@code WalToolMissing} or {@code WalGap}, not retryable
   */
  @ActivityMethod
  WalArchiveProgress archive(WalArchiveTask task);

  /**
   * Drops the archiver's replication slot, so the primary stops keeping WAL for it. Dropping a
   * missing slot succeeds.
   */
  @ActivityMethod
  void dropSlot(NodeSpec source, String cluster, String slot);
}
