package dev.lifeboat.activities.manifest;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.workflows.model.BackupCopy;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code copies.json} beside a backup's manifest, in every destination that holds a copy: where
 * every copy of the backup is. Written after the copies are made and again when a backfill adds
 * one, so an operator who has only one bucket left (the orchestrator gone with the region) still
 * learns where the other copies are. It is a hint, not part of the sealed backup.
 *
 * @param backupId the backup
 * @param updatedAt when the record was last written
 * @param copies one entry per destination, complete or not
 */
public record CopiesRecord(String backupId, Instant updatedAt, List<BackupCopy> copies) {

  public CopiesRecord {
    copies = List.copyOf(copies);
  }

  /** The record with these copies replacing the entries of the same destinations. */
  public CopiesRecord merge(List<BackupCopy> newer, Instant now) {
    Map<String, BackupCopy> byDestination = new LinkedHashMap<>();
    for (BackupCopy copy : copies) {
      byDestination.put(copy.destination(), copy);
    }
    for (BackupCopy copy : newer) {
      byDestination.put(copy.destination(), copy);
    }
    return new CopiesRecord(backupId, now, new ArrayList<>(byDestination.values()));
  }

  /** Writes or replaces the record in one store. */
  public static void write(BackupStore store, String cluster, CopiesRecord record)
      throws IOException {
    Sidecars.write(store, cluster, record.backupId(), BackupLayout.COPIES, record);
  }

  /** The record in one store, if one was written. */
  public static Optional<CopiesRecord> read(BackupStore store, String cluster, String backupId)
      throws IOException {
    return Sidecars.read(store, cluster, backupId, BackupLayout.COPIES, CopiesRecord.class);
  }
}
