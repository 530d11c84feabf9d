package dev.lifeboat.workflows.common;

/**
 * Types of non-retryable application failures. Each names a mistake a user must fix before a retry
 * can help; the failure message says what was wrong and where.
 */
public final class ErrorTypes {

  /** The request names a cluster that lifeboat.yaml does not define. */
  public static final String UNKNOWN_CLUSTER = "UnknownCluster";

  /** A request field is missing or malformed. */
  public static final String INVALID_REQUEST = "InvalidRequest";

  /** A secret named in the configuration cannot be resolved on the worker. */
  public static final String MISSING_SECRET = "MissingSecret";

  /** The request names a backup destination that the worker's configuration does not define. */
  public static final String UNKNOWN_DESTINATION = "UnknownDestination";

  /** The backup type is not one this version takes. */
  public static final String UNSUPPORTED_BACKUP_TYPE = "UnsupportedBackupType";

  /** No node to back up from: no reachable primary, or the named source node is not configured. */
  public static final String NO_SOURCE = "NoSource";

  /** Fewer copies of a backup were sealed than the request's quorum. */
  public static final String QUORUM_NOT_MET = "QuorumNotMet";

  /** Taking a base backup into a destination failed; retried. */
  public static final String BACKUP_FAILED = "BackupFailed";

  /** Copying a sealed backup between destinations failed; retried. */
  public static final String COPY_FAILED = "CopyFailed";

  /** Listing, verifying or deleting backups in a destination failed; retried. */
  public static final String STORE_OPERATION_FAILED = "StoreOperationFailed";

  /** Archiving WAL failed for a reason a retry may cure (the database or the spool); retried. */
  public static final String WAL_ARCHIVE_FAILED = "WalArchiveFailed";

  /** {@code pg_receivewal} is not installed on the worker that serves the source's region. */
  public static final String WAL_TOOL_MISSING = "WalToolMissing";

  /**
   * WAL that the archive or an incremental needs is no longer on the server: the archive or the
   * chain would have a gap, and only a new full backup gives a restorable starting point again.
   */
  public static final String WAL_GAP = "WalGap";

  private ErrorTypes() {}

  /** The files source was asked for but the worker cannot read the node's data directory. */
  public static final String FILES_SOURCE_UNAVAILABLE = "FilesSourceUnavailable";

  /**
   * An incremental's parent cannot carry a delta (taken with pg_basebackup, or another timeline).
   */
  public static final String PARENT_NOT_USABLE = "ParentNotUsable";

  /**
   * A block-level stream incremental ({@code pg_basebackup --incremental}) cannot be taken from
   * this server: it runs PostgreSQL older than 17, or {@code summarize_wal} is off.
   */
  public static final String BLOCK_INCREMENTAL_UNSUPPORTED = "BlockIncrementalUnsupported";

  /**
   * The PostgreSQL programs of the major version a backup or restore needs ({@code pg_basebackup},
   * {@code pg_combinebackup}, ...) are not installed on the worker.
   */
  public static final String PG_TOOLS_MISSING = "PgToolsMissing";

  /** An incremental's parent has no sealed copy in the destination tried: try the next one. */
  public static final String PARENT_MISSING = "ParentMissing";

  /** No backup can serve a restore's target (too early, too late, or none at all). */
  public static final String NO_BACKUP_FOR_TARGET = "NoBackupForTarget";

  /** A restore step failed in a way a retry cannot fix (corrupted object, server did not start). */
  public static final String RESTORE_FAILED = "RestoreFailed";

  /** A standby did not replay up to the LSN a switchover waited for in time. */
  public static final String REPLAY_TIMEOUT = "ReplayTimeout";

  /** A node action needs the node's data directory, and lifeboat.yaml gives none. */
  public static final String NO_DATA_DIR = "NoDataDirectory";

  /** A promotion did not produce a writable primary. */
  public static final String PROMOTION_FAILED = "PromotionFailed";

  /** No standby is fit to become the primary. */
  public static final String NO_CANDIDATE = "NoCandidate";

  /** A requested failover target is not a healthy standby of the cluster. */
  public static final String BAD_FAILOVER_TARGET = "BadFailoverTarget";

  /** A switchover could not stop the old primary, so nothing was promoted. */
  public static final String FENCE_NOT_HELD = "FenceNotHeld";

  /** An operator rejected a failover, or nobody approved it in time. */
  public static final String FAILOVER_REJECTED = "FailoverRejected";

  /** A traffic endpoint could not be changed. */
  public static final String TRAFFIC_FAILED = "TrafficFailed";

  /**
   * A live disaster simulation or a practice runbook was asked of a cluster not marked {@code
   * drill: true}.
   */
  public static final String NOT_A_DRILL_CLUSTER = "NotADrillCluster";

  /** An old primary could not be rejoined as a standby. */
  public static final String REJOIN_FAILED = "RejoinFailed";

  /** A runbook or a run's parameters are invalid; the message lists every problem. */
  public static final String RUNBOOK_INVALID = "RunbookInvalid";

  /** A runbook step's arguments cannot work (unknown target, missing tool); retrying won't help. */
  public static final String RUNBOOK_STEP_INVALID = "RunbookStepInvalid";

  /** A runbook step failed after its last attempt. */
  public static final String RUNBOOK_STEP_FAILED = "RunbookStepFailed";
}
