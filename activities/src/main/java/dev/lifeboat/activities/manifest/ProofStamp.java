package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
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
    try (ObjectWriter writer =
        store.create(BackupLayout.backupPrefix(cluster, backupId) + BackupLayout.PROVEN)) {
      writer.write(ManifestStore.JSON.writeValueAsBytes(stamp));
      writer.commit();
    }
  }

  /** The stamp of a backup's copy, if it was ever proven restorable. */
  public static Optional<ProofStamp> read(BackupStore store, String cluster, String backupId)
      throws IOException {
    try (InputStream in =
        store.open(BackupLayout.backupPrefix(cluster, backupId) + BackupLayout.PROVEN)) {
      return Optional.of(ManifestStore.JSON.readValue(in, ProofStamp.class));
    } catch (NoSuchObjectException e) {
      return Optional.empty();
    }
  }
}
