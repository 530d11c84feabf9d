package dev.lifeboat.activities.storage;

/** The rules every backend applies to object keys, so a key means the same thing everywhere. */
public final class ObjectKeys {

  private ObjectKeys() {}

  /**
   * Checks a key: not empty, no leading or trailing {@code /}, no empty, {@code .} or {@code ..}
   * segments, no backslashes or control characters, at most 1024 bytes.
   *
   * @return the key
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String check(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("an object key must not be empty");
    }
    if (key.length() > 1024) {
      throw new IllegalArgumentException("object key is longer than 1024 characters: " + key);
    }
    if (key.startsWith("/") || key.endsWith("/")) {
      throw new IllegalArgumentException("object key '" + key + "' must not start or end with '/'");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "object key '" + key + "' has an empty, '.' or '..' segment");
      }
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "object key '" + key + "' contains a backslash or a control character");
      }
    }
    return key;
  }

  /**
   * Checks a listing prefix: empty (everything) or a key-like string that may end with {@code /}.
   */
  public static String checkPrefix(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    check(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
    return prefix;
  }
}
