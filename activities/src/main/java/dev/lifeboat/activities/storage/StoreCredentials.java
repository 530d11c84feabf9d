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

  @Override
  public String toString() {
    return "StoreCredentials[id=" + id + ", secret=***]";
  }
}
