package dev.lifeboat.workflows.model;

/**
 * Input of {@code RestoreWorkflow}. As JSON: {@code {"cluster": "shop", "directory":
 * "/var/tmp/shop-restore", "port": 55499}} restores the newest backup and replays the archived WAL
 * to its end; add {@code "targetTime": "2026-11-25T10:00:00Z"} for a point in time.
 *
 * @param cluster the cluster whose backups are restored
 * @param backupId the backup to restore; null to choose: the newest one, or with {@code targetTime}
 *     the newest that finished before it
 * @param targetTime replay WAL up to this instant (ISO-8601), or null
 * @param targetLsn replay WAL up to this LSN, or null
 * @param untilConsistent stop as soon as the backup is consistent (its own end point), replaying no
 *     archived WAL; the row counts are then checked against the manifest's
 * @param destination the destination to restore from; null for the first configured
 * @param directory the new data directory on the restoring worker's host; must not exist or be
 *     empty
 * @param port the port the restored PostgreSQL listens on (127.0.0.1)
 * @param region the region whose worker restores (its task queue); null for the source cluster's
 *     primary region
 * @param promote true to promote when the target is reached (default), false to stay paused in
 *     recovery at the target (needs a target)
 * @param keepOnFailure true to leave a failed restore's directory and server for inspection; false
 *     (default) tears them down
 * @param scratch a test restore: torn down at the end, and the backup stamped when it passed
 * @param inPlace true to restore into a directory that is not empty ({@code --in-place --force}):
 *     the old contents are moved aside to {@code <directory>.before-restore-<UTC time>} first (and
 *     moved back when the restore fails and is torn down); a running server there is refused
 */
public record RestoreRequest(
    String cluster,
    String backupId,
    String targetTime,
    String targetLsn,
    boolean untilConsistent,
    String destination,
    String directory,
    int port,
    String region,
    Boolean promote,
    boolean keepOnFailure,
    boolean scratch,
    boolean inPlace) {

  /** A restore into a new or empty directory. */
  public RestoreRequest(
      String cluster,
      String backupId,
      String targetTime,
      String targetLsn,
      boolean untilConsistent,
      String destination,
      String directory,
      int port,
      String region,
      Boolean promote,
      boolean keepOnFailure,
      boolean scratch) {
    this(
        cluster,
        backupId,
        targetTime,
        targetLsn,
        untilConsistent,
        destination,
        directory,
        port,
        region,
        promote,
        keepOnFailure,
        scratch,
        false);
  }

  /** A restore that keeps its server running. */
  public RestoreRequest(
      String cluster,
      String backupId,
      String targetTime,
      String targetLsn,
      boolean untilConsistent,
      String destination,
      String directory,
      int port,
      String region,
      Boolean promote,
      boolean keepOnFailure) {
    this(
        cluster,
        backupId,
        targetTime,
        targetLsn,
        untilConsistent,
        destination,
        directory,
        port,
        region,
        promote,
        keepOnFailure,
        false);
  }

  /**
   * A test restore of a backup to its own end point into a scratch directory, validated against the
   * manifest, torn down afterwards, and stamped when it passes.
   */
  public static RestoreRequest proof(
      String cluster, String backupId, String destination, String directory, int port) {
    return new RestoreRequest(
        cluster,
        backupId,
        null,
        null,
        true,
        destination,
        directory,
        port,
        null,
        null,
        false,
        true,
        false);
  }

  /** Whether to promote at the target; the default is true. */
  public boolean promoteOrDefault() {
    return promote == null || promote;
  }

  /** Whether a target time or LSN is asked for. */
  public boolean hasTarget() {
    return (targetTime != null && !targetTime.isBlank())
        || (targetLsn != null && !targetLsn.isBlank());
  }
}
