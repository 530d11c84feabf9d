package dev.lifeboat.activities.archive;

import dev.lifeboat.activities.codec.StoredObject;
import java.time.Instant;

/**
 * The seal of one archived WAL file ({@code <cluster>/wal/<name>.seal.json}), written after the
 * object itself: everything needed to verify and decode that file alone.
 *
 * @param format the seal format, {@link #FORMAT}
 * @param cluster the cluster the WAL belongs to
 * @param name the WAL file name, a 24-hex segment name or {@code TTTTTTTT.history}
 * @param timeline the timeline of the file
 * @param segmentSize the cluster's {@code wal_segment_size} in bytes
 * @param startLsn the LSN of the segment's first byte (null for a history file)
 * @param endLsn the LSN just past the segment's last byte (null for a history file)
 * @param rawSize bytes of the WAL file itself
 * @param size bytes stored after compression and encryption
 * @param sha256 SHA-256 of the stored bytes, lower-case hex
 * @param compression the compression's label, for example {@code zstd}
 * @param encrypted whether the stored bytes are encrypted
 * @param dataKeyId the id of the data key under {@code keys/<cluster>/<id>.json}, or null
 * @param archivedAt when the file was stored
 * @param toolVersion the Lifeboat version that stored it
 * @param systemIdentifier the database system that wrote a segment, from its first page header
 *     (unsigned decimal); null for a history file and in seals written before it was recorded
 */
public record WalSeal(
    int format,
    String cluster,
    String name,
    int timeline,
    long segmentSize,
    String startLsn,
    String endLsn,
    long rawSize,
    long size,
    String sha256,
    String compression,
    boolean encrypted,
    String dataKeyId,
    Instant archivedAt,
    String toolVersion,
    String systemIdentifier) {

  /** The seal format this version writes and reads. */
  public static final int FORMAT = 1;

  /**
   * Whether the segment may be this system's: the seal names it, or names no system (a history
   * file, or a seal written before the system was recorded).
   *
   * @param systemIdentifier the system's identifier, unsigned decimal
   */
  public boolean writtenBy(String systemIdentifier) {
    return this.systemIdentifier == null || this.systemIdentifier.equals(systemIdentifier);
  }

  /** The object as the data plane's verified readers expect it. */
  public StoredObject object() {
    return new StoredObject(name, rawSize, size, sha256, compression, encrypted);
  }
}
