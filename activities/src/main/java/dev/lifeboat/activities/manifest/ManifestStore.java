package dev.lifeboat.activities.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.activities.codec.Sha256;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes and reads manifests. A manifest is sealed by a second object holding its SHA-256 (in
 * {@code sha256sum} format), written after it: a backup is complete exactly when both are there and
 * agree.
 */
public final class ManifestStore {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ManifestStore() {}

  /** Writes a manifest and then its checksum. */
  public static void write(BackupStore store, Manifest manifest) throws IOException {
    byte[] json = JSON.writeValueAsBytes(manifest);
    put(store, BackupLayout.manifestKey(manifest.cluster(), manifest.backupId()), json);
    String line = Sha256.hex(json) + "  " + BackupLayout.MANIFEST + "\n";
    put(
        store,
        BackupLayout.checksumKey(manifest.cluster(), manifest.backupId()),
        line.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Reads and checks a manifest.
   *
   * @throws ManifestException saying whether it is missing, unsealed, corrupted, unreadable or of
   *     an unknown format
   */
  public static Manifest read(BackupStore store, String cluster, String backupId)
      throws IOException {
    String where = "backup " + backupId + " of cluster " + cluster + " in " + store.url();
    byte[] json;
    try {
      json = get(store, BackupLayout.manifestKey(cluster, backupId));
    } catch (NoSuchObjectException e) {
      throw new ManifestException(
          ManifestException.Kind.MISSING,
          where + " has no manifest.json: the backup did not finish or does not exist");
    }
    String sealed;
    try {
      sealed =
          new String(
              get(store, BackupLayout.checksumKey(cluster, backupId)), StandardCharsets.US_ASCII);
    } catch (NoSuchObjectException e) {
      throw new ManifestException(
          ManifestException.Kind.UNSEALED,
          where + " has a manifest but no manifest.json.sha256: the backup did not finish");
    }
    String expected = sealed.strip().split("\\s+")[0];
    String actual = Sha256.hex(json);
    if (!actual.equals(expected)) {
      throw new ManifestException(
          ManifestException.Kind.CORRUPTED,
          where
              + ": manifest.json has SHA-256 "
              + actual
              + " but its checksum file says "
              + expected);
    }
    Manifest manifest;
    try {
      manifest = JSON.readValue(json, Manifest.class);
    } catch (JsonProcessingException e) {
      throw new ManifestException(
          ManifestException.Kind.UNREADABLE,
          where + ": manifest.json does not parse: " + e.getOriginalMessage(),
          e);
    }
    if (manifest.formatVersion() > Manifest.FORMAT_VERSION) {
      throw new ManifestException(
          ManifestException.Kind.UNSUPPORTED,
          where
              + " has manifest format "
              + manifest.formatVersion()
              + "; this Lifeboat reads up to "
              + Manifest.FORMAT_VERSION
              + ": upgrade Lifeboat");
    }
    if (manifest.backupId() == null || !manifest.backupId().equals(backupId)) {
      throw new ManifestException(
          ManifestException.Kind.UNREADABLE,
          where + ": manifest.json names backup " + manifest.backupId() + ", not " + backupId);
    }
    return manifest;
  }

  /** Lists the ids of sealed backups of a cluster, oldest id first. */
  public static List<String> listBackupIds(BackupStore store, String cluster) throws IOException {
    List<String> ids = new ArrayList<>();
    String prefix = cluster + "/";
    for (ObjectInfo object : store.list(prefix)) {
      String rest = object.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      if (slash > 0 && rest.substring(slash + 1).equals(BackupLayout.CHECKSUM)) {
        ids.add(rest.substring(0, slash));
      }
    }
    return ids;
  }

  private static void put(BackupStore store, String key, byte[] bytes) throws IOException {
    try (ObjectWriter writer = store.create(key)) {
      writer.write(bytes);
      writer.commit();
    }
  }

  static byte[] get(BackupStore store, String key) throws IOException {
    try (InputStream in = store.open(key)) {
      return in.readAllBytes();
    }
  }
}
