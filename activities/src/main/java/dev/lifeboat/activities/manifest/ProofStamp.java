package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code proven.json} beside a backup's manifest: this copy was restored into a scratch instance,
 * started, recovered to the backup's end point and validated (row counts equal the manifest's,
 * amcheck clean). Retention never expires the newest proven backup, and the status shows the time
 * since the last proof.
 *
 * @param provenAt when the proof finished
 * @param seconds how long the whole test restore took
 * @param layoutSeconds of which laying out the data directory
 * @param recoverySeconds of which recovery to the end point
 * @param tablesChecked tables whose row counts matched
 * @param indexesChecked indexes amcheck found clean
 */
public record ProofStamp(
    Instant provenAt,
    double seconds,
    double layoutSeconds,
    double recoverySeconds,
    int tablesChecked,
    int indexesChecked) {

  /** Writes or replaces the stamp of a backup's copy. */
  public static void write(BackupStore store, String cluster, String backupId, ProofStamp stamp)
      throws IOException {
    Sidecars.write(store, cluster, backupId, BackupLayout.PROVEN, stamp);
  }

  /** The stamp of a backup's copy, if it was ever proven restorable. */
  public static Optional<ProofStamp> read(BackupStore store, String cluster, String backupId)
      throws IOException {
    return Sidecars.read(store, cluster, backupId, BackupLayout.PROVEN, ProofStamp.class);
  }
}
