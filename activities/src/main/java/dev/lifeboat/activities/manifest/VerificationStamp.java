package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code verified.json} beside a backup's manifest: when this copy last passed a full verification
 * (every object re-read, hashed, decrypted and decompressed). Retention never expires the newest
 * verified backup, and the status shows how long ago it was. A stamp belongs to one copy: copying a
 * backup does not copy it.
 *
 * @param verifiedAt when the verification finished
 * @param objectsChecked objects re-read
 * @param storedBytes bytes re-read
 * @param toolVersion the Lifeboat that verified it
 */
public record VerificationStamp(
    Instant verifiedAt, int objectsChecked, long storedBytes, String toolVersion) {

  /** Writes or replaces the stamp of a backup's copy. */
  public static void write(
      BackupStore store, String cluster, String backupId, VerificationStamp stamp)
      throws IOException {
    Sidecars.write(store, cluster, backupId, BackupLayout.VERIFIED, stamp);
  }

  /** The stamp of a backup's copy, if it was ever verified intact. */
  public static Optional<VerificationStamp> read(BackupStore store, String cluster, String backupId)
      throws IOException {
    return Sidecars.read(store, cluster, backupId, BackupLayout.VERIFIED, VerificationStamp.class);
  }
}
