package dev.lifeboat.activities.storage;

/**
 * Explicit credentials for a store, resolved on the worker from named secrets. For S3 the access
 * key id and secret access key; for Azure Blob the account name (may be null to use the URL's) and
 * account key; for Google Cloud Storage a null id and the service account JSON.
 *
 * @param id the public half, or null
 * @param secret the private half; never printed
 */
public record StoreCredentials(String id, String secret) {

  /**
   * Reads an {@code ID:SECRET} secret (an access key id and secret key, or an account name and
   * key).
   *
   * @param value the secret's value
   * @param whenMalformed the sentence to fail with when it is not {@code ID:SECRET}; it must not
   *     quote the value
   */
  public static StoreCredentials fromPair(String value, String whenMalformed) {
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException(whenMalformed);
    }
    return new StoreCredentials(value.substring(0, colon), value.substring(colon + 1));
  }

  @Override
  public String toString() {
    return "StoreCredentials[id=" + id + ", secret=***]";
  }
}
