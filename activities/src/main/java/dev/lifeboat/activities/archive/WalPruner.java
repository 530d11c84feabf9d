package dev.lifeboat.activities.archive;

import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ObjectInfo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Removes the archived WAL that no remaining backup needs: every segment before the one holding the
 * oldest kept backup's stop LSN (on any timeline; history files are always kept), the seal first so
 * a half-removed segment never counts as archived. Then it shreds the WAL data keys that no
 * remaining seal names. A key younger than a day is never shredded: the archiver creates its run's
 * key before the first segment that uses it.
 */
public final class WalPruner {

  /** Keys younger than this may belong to a run that has not sealed a segment yet. */
  static final Duration KEY_GRACE = Duration.ofDays(1);

  private WalPruner() {}

  /**
   * What pruning found or did.
   *
   * @param segments the segments before the cutoff
   * @param bytes their stored bytes
   * @param keysShredded WAL data keys no remaining segment uses (shredded when applied)
   */
  public record Result(List<String> segments, long bytes, List<String> keysShredded) {}

  /**
   * Plans or prunes one store's WAL archive.
   *
   * @param keepFromLsn the oldest kept backup's stop LSN: WAL from its segment on is kept
   * @param apply false to only count
   */
  public static Result prune(
      BackupStore store, String cluster, long keepFromLsn, Instant now, boolean apply)
      throws IOException {
    List<String> expired = new ArrayList<>();
    long bytes = 0;
    Set<String> keysInUse = new HashSet<>();
    for (String segment : WalArchive.segments(store, cluster)) {
      Optional<WalSeal> seal = WalArchive.seal(store, cluster, segment);
      if (seal.isEmpty()) {
        continue;
      }
      long cutoff = Long.divideUnsigned(keepFromLsn, seal.get().segmentSize());
      if (WalSegments.number(segment, seal.get().segmentSize()) < cutoff) {
        expired.add(segment);
        bytes += seal.get().size();
        if (apply) {
          store.delete(WalArchive.sealKey(cluster, segment));
          store.delete(WalArchive.objectKey(cluster, segment));
        }
      } else if (seal.get().dataKeyId() != null) {
        keysInUse.add(seal.get().dataKeyId());
      }
    }
    for (String history : WalArchive.histories(store, cluster)) {
      WalArchive.seal(store, cluster, history).map(WalSeal::dataKeyId).ifPresent(keysInUse::add);
    }
    List<String> shredded = new ArrayList<>();
    String keyPrefix = BackupLayout.KEYS_PREFIX + cluster + "/wal-";
    for (ObjectInfo key : store.list(keyPrefix)) {
      String id = key.key().substring((BackupLayout.KEYS_PREFIX + cluster + "/").length());
      id = id.endsWith(".json") ? id.substring(0, id.length() - ".json".length()) : id;
      boolean young =
          key.lastModified() != null && key.lastModified().isAfter(now.minus(KEY_GRACE));
      if (!keysInUse.contains(id) && !young) {
        shredded.add(id);
        if (apply) {
          DataKeyStore.shred(store, cluster, id);
        }
      }
    }
    return new Result(List.copyOf(expired), bytes, List.copyOf(shredded));
  }
}
