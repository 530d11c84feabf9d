package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.model.RejoinResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Activities that talk to PostgreSQL servers over the wire protocol. They run on the task queue of
 * the node's region, so probes measure what that region sees.
 */
@ActivityInterface(namePrefix = "Pg_")
public interface PostgresActivities {

  /**
   * Connects to a node and reads its role, version, system identifier, timeline and WAL positions;
   * on a primary also the standbys streaming from it.
   *
   * <p>A node that cannot be reached is reported as such in the result rather than thrown, so the
   * caller can count consecutive failures. It only fails when the request itself cannot work, for
   * example when the node's password secret is missing on the worker ({@code MissingSecret}, not
   * retryable).
   *
   * @param node the node to probe
   * @return what the probe saw
   */
  @ActivityMethod
  NodeProbe probe(NodeSpec node);

  /**
   * Makes a node refuse writes: {@code default_transaction_read_only} through {@code ALTER SYSTEM}
   * and a reload, then every client session that is not Lifeboat's or a WAL sender is terminated,
   * so no open transaction commits later. Idempotent. An unreachable node is reported, not thrown.
   *
   * @param node the node to fence, usually the old primary
   * @return what was done
   */
  @ActivityMethod
  FenceReport fenceWrites(NodeSpec node);

  /**
   * Undoes {@link #fenceWrites}: resets {@code default_transaction_read_only} and reloads.
   * Idempotent; used when a failover is rejected or rolled back.
   *
   * @param node the node to unfence
   */
  @ActivityMethod
  void unfenceWrites(NodeSpec node);

  /**
   * Stops a node's server with {@code pg_ctl stop -m fast}, falling back to {@code immediate}. Runs
   * on the node's host (its region's queue) and needs {@code dataDir}.
   *
   * @param node the node
   * @return whether it was running
   */
  @ActivityMethod
  boolean stopServer(NodeSpec node);

  /**
   * The fence a client cannot undo: stops a node's server (as {@link #stopServer}, and a stalled
   * one with SIGKILL) and leaves it demoted on disk ({@code standby.signal} with a Lifeboat
   * marker), so whatever starts it again, an init system or a person, starts a server in recovery
   * that takes no write. Idempotent: a server that does not run is only demoted on disk. Runs on
   * the node's host.
   *
   * @param node the node
   * @return what was done, as layer {@code server <node>}
   */
  @ActivityMethod
  FenceReport stopAndDemote(NodeSpec node);

  /**
   * Undoes {@link #stopAndDemote} for a failover that promoted nothing: removes the demotion that
   * Lifeboat left on disk (never a {@code standby.signal} it did not write) and starts the server.
   *
   * @param node the node
   */
  @ActivityMethod
  void liftDemotionAndStart(NodeSpec node);

  /**
   * Starts a node's server with {@code pg_ctl start} and waits until it accepts connections.
   * Idempotent: a running server is left alone.
   *
   * @param node the node
   */
  @ActivityMethod
  void startServer(NodeSpec node);

  /**
   * Kills a node's postmaster with SIGKILL, as a crash would. Only for disaster simulations of
   * clusters marked {@code drill: true}; the workflow checks that before it calls this.
   *
   * @param node the node
   * @return the killed postmaster's process id, or 0 when it did not run
   */
  @ActivityMethod
  long crashServer(NodeSpec node);

  /**
   * Promotes a standby: resets {@code synchronous_standby_names} on it (it has no standby yet, and
   * an inherited setting would hang the first write), calls {@code pg_promote(wait => true)} and
   * commits a write to prove it accepts them. A node that already is a primary is only checked.
   *
   * @param node the standby to promote
   * @return the new primary's LSN and timeline and how long it took
   */
  @ActivityMethod
  PromotionResult promote(NodeSpec node);

  /**
   * Waits until a standby has replayed WAL up to an LSN, heartbeating. Fails with {@code
   * ReplayTimeout} (not retryable) when it does not get there in time.
   *
   * @param standby the standby
   * @param lsn the LSN it must reach, for example {@code 0/3000060}
   * @param timeoutSeconds how long to wait
   * @return the standby's replay LSN once it reached {@code lsn}
   */
  @ActivityMethod
  String waitForReplay(NodeSpec standby, String lsn, int timeoutSeconds);

  /**
   * Returns a primary's current WAL write position.
   *
   * @param primary the primary
   * @return its {@code pg_current_wal_lsn()}
   */
  @ActivityMethod
  String currentLsn(NodeSpec primary);

  /**
   * Points a running standby at a new primary: a physical slot named after the standby on the
   * primary, {@code primary_conninfo} and {@code primary_slot_name} through {@code ALTER SYSTEM}, a
   * reload; with synchronous replication the primary then waits for this standby.
   *
   * @param standby the standby to repoint
   * @param primary its new primary
   * @param synchronous whether the primary should wait for this standby's flush at commit
   */
  @ActivityMethod
  void follow(NodeSpec standby, NodeSpec primary, boolean synchronous);

  /**
   * Brings an old primary back as a standby of the new primary: stops it, rewinds it with {@code
   * pg_rewind} (or, when that is impossible, replaces its data directory with a fresh {@code
   * pg_basebackup}, keeping the old one aside), configures it to stream from the primary through a
   * slot, starts it and waits until it streams. Runs on the node's host. Idempotent.
   *
   * @param node the old primary
   * @param primary the current primary
   * @param synchronous whether the primary should wait for this standby's flush at commit
   * @return how it was done
   */
  @ActivityMethod
  RejoinResult rejoin(NodeSpec node, NodeSpec primary, boolean synchronous);
}
