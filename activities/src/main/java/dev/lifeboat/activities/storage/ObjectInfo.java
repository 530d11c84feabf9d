package dev.lifeboat.activities.storage;

import java.time.Instant;

/**
 * What a store knows about one committed object.
 *
 * @param key the object's key, relative to the store's prefix
 * @param size its size in bytes
 * @param lastModified when it was last written, as the store reports it
 */
public record ObjectInfo(String key, long size, Instant lastModified) {}
