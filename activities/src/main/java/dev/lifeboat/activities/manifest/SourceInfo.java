package dev.lifeboat.activities.manifest;

import java.time.Instant;

/**
 * What a backup records about the PostgreSQL cluster it was taken from.
 *
 * @param postgresVersion {@code server_version}
 * @param systemIdentifier the cluster's system identifier
 * @param timeline the timeline at the start
 * @param startLsn where the backup starts
 * @param stopLsn where it is consistent
 * @param startTime when it started
 * @param stopTime when it finished
 */
public record SourceInfo(
    String postgresVersion,
    String systemIdentifier,
    long timeline,
    String startLsn,
    String stopLsn,
    Instant startTime,
    Instant stopTime) {}
