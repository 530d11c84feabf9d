package dev.lifeboat.activities.manifest;

/**
 * Where a backup's pieces live in a store, in one place:
 *
 * <pre>
 * &lt;cluster&gt;/&lt;backup id&gt;/manifest.json          the manifest
 * &lt;cluster&gt;/&lt;backup id&gt;/manifest.json.sha256   its checksum, written last
 * &lt;cluster&gt;/&lt;backup id&gt;/data/&lt;path&gt;           the objects
 * &lt;cluster&gt;/&lt;backup id&gt;/copies.json          where the other copies are (a hint)
 * &lt;cluster&gt;/&lt;backup id&gt;/verified.json        the last verification of this copy
 * &lt;cluster&gt;/&lt;backup id&gt;/proven.json          the last test restore that passed
 * keys/&lt;cluster&gt;/&lt;backup id&gt;.json            the wrapped data key
 * </pre>
 *
 * Wrapped keys live apart from the data so that rotation can list them all and shredding one takes
 * effect at once, before the (slower) deletion of the data.
 */
public final class BackupLayout {

  public static final String KEYS_PREFIX = "keys/";
  static final String MANIFEST = "manifest.json";
  static final String CHECKSUM = "manifest.json.sha256";
  static final String COPIES = "copies.json";
  static final String VERIFIED = "verified.json";
  static final String PROVEN = "proven.json";

  private BackupLayout() {}

  /** The folder of one backup. */
  public static String backupPrefix(String cluster, String backupId) {
    return cluster + "/" + backupId + "/";
  }

  public static String manifestKey(String cluster, String backupId) {
    return backupPrefix(cluster, backupId) + MANIFEST;
  }

  public static String checksumKey(String cluster, String backupId) {
    return backupPrefix(cluster, backupId) + CHECKSUM;
  }

  /**
   * Whether a key is one of a backup's sidecars ({@code copies.json}, {@code verified.json}, {@code
   * proven.json}): files written beside a sealed backup that are not part of it.
   */
  public static boolean isSidecar(String cluster, String backupId, String key) {
    String prefix = backupPrefix(cluster, backupId);
    return key.equals(prefix + COPIES)
        || key.equals(prefix + VERIFIED)
        || key.equals(prefix + PROVEN);
  }

  /** The store key of an object of a backup. */
  public static String objectKey(String cluster, String backupId, String path) {
    return backupPrefix(cluster, backupId) + "data/" + path;
  }

  /** The store key of a backup's wrapped data key. */
  public static String dataKeyKey(String cluster, String backupId) {
    return KEYS_PREFIX + cluster + "/" + backupId + ".json";
  }

  /** The identity an object's ciphertext is bound to: moving it elsewhere breaks decryption. */
  public static String objectIdentity(String cluster, String backupId, String path) {
    return "lifeboat:" + cluster + "/" + backupId + "/" + path;
  }

  /** The context a wrapped data key is bound to. */
  public static String keyContext(String cluster, String backupId) {
    return "lifeboat:" + cluster + "/" + backupId;
  }
}
