package dev.lifeboat.activities.storage.internal;

import dev.lifeboat.activities.storage.ObjectKeys;

/**
 * The folder inside a bucket or container under which a store keeps its objects, and the mapping
 * between a store's keys and the bucket's object names.
 *
 * @param value the prefix without leading or trailing {@code /}; empty for the bucket's root
 */
public record ObjectPrefix(String value) {

  /** The bucket's root. */
  public static final ObjectPrefix ROOT = new ObjectPrefix("");

  /**
   * Reads the prefix from the path of a destination URL such as {@code /backups/shop/}.
   *
   * @throws IllegalArgumentException when the path has empty, {@code .} or {@code ..} segments or
   *     other characters {@link ObjectKeys#check(String)} rejects
   */
  public static ObjectPrefix fromUrlPath(String path) {
    String trimmed = path == null ? "" : path;
    if (trimmed.startsWith("/")) {
      trimmed = trimmed.substring(1);
    }
    if (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    return trimmed.isEmpty() ? ROOT : new ObjectPrefix(ObjectKeys.check(trimmed));
  }

  /** Returns the object name of a key, after checking the key. */
  public String nameOf(String key) {
    ObjectKeys.check(key);
    return value.isEmpty() ? key : value + "/" + key;
  }

  /** Returns the object-name prefix to list for a listing prefix, after checking it. */
  public String namePrefixOf(String listingPrefix) {
    String checked = ObjectKeys.checkPrefix(listingPrefix);
    return value.isEmpty() ? checked : value + "/" + checked;
  }

  /** Returns the key of an object name that {@link #nameOf(String)} made. */
  public String keyOf(String name) {
    return value.isEmpty() ? name : name.substring(value.length() + 1);
  }
}
