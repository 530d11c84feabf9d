package dev.lifeboat.workflows.model;

/**
 * One row of a primary's {@code pg_stat_replication}: a standby streaming from it, as the primary
 * sees it.
 *
 * @param applicationName the standby's {@code application_name} (Lifeboat sets it to the node name)
 * @param state {@code streaming}, {@code catchup}, ...
 * @param syncState {@code async}, {@code sync}, {@code potential} or {@code quorum}
 * @param sentLsn last WAL position sent
 * @param replayLsn last WAL position the standby reported replayed
 * @param replayLagSeconds the primary's measured replay lag, or null when PostgreSQL has none (an
 *     idle, caught-up standby)
 */
public record ReplicationPeer(
    String applicationName,
    String state,
    String syncState,
    String sentLsn,
    String replayLsn,
    Double replayLagSeconds) {}
