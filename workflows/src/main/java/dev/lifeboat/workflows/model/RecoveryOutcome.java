package dev.lifeboat.workflows.model;

/**
 * Where recovery ended.
 *
 * @param seconds from the server's start until the target (or the end of WAL) was reached
 * @param reachedLsn the last replayed LSN
 * @param reachedTime the commit time of the last replayed transaction, or null
 * @param promoted whether the server was promoted (false: paused in recovery at the target)
 */
public record RecoveryOutcome(
    double seconds, String reachedLsn, String reachedTime, boolean promoted) {}
