package dev.lifeboat.activities.codec;

/**
 * One object as written through the pipeline: what the manifest records about it.
 *
 * @param path the object's path within its backup, for example {@code base/base.tar}
 * @param rawSize bytes before compression and encryption
 * @param size bytes stored
 * @param sha256 SHA-256 of the stored bytes, lower-case hex
 * @param compression the algorithm's label, for example {@code zstd}
 * @param encrypted whether the stored bytes are encrypted with the backup's data key
 */
public record StoredObject(
    String path, long rawSize, long size, String sha256, String compression, boolean encrypted) {}
