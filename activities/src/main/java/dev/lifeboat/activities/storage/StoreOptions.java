package dev.lifeboat.activities.storage;

/**
 * Settings for opening a {@link BackupStore}. Each backend reads the fields that apply to it and
 * ignores the rest.
 *
 * @param endpoint service endpoint override, for emulators and S3-compatible stores (for example
 *     {@code http://127.0.0.1:55000}); null for the provider's default
 * @param region S3 region (default {@code us-east-1} when an endpoint is set)
 * @param project Google Cloud project
 * @param credentials explicit credentials, or null for the SDK's standard chain
 * @param partSizeBytes size of one multipart part or block (default 16 MiB)
 * @param parallelism parts uploaded at once per object (default 4)
 * @param maxAttempts attempts per request, including the first, for transient errors (default 5)
 */
public record StoreOptions(
    String endpoint,
    String region,
    String project,
    StoreCredentials credentials,
    int partSizeBytes,
    int parallelism,
    int maxAttempts) {

  public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;
  public static final int DEFAULT_PARALLELISM = 4;
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  public StoreOptions {
    partSizeBytes = partSizeBytes > 0 ? partSizeBytes : DEFAULT_PART_SIZE;
    parallelism = parallelism > 0 ? parallelism : DEFAULT_PARALLELISM;
    maxAttempts = maxAttempts > 0 ? maxAttempts : DEFAULT_MAX_ATTEMPTS;
  }

  /** Options with every default: the SDK's credential chain and the provider's endpoint. */
  public static StoreOptions defaults() {
    return new StoreOptions(null, null, null, null, 0, 0, 0);
  }

  /** Returns a copy with an endpoint override. */
  public StoreOptions withEndpoint(String newEndpoint) {
    return new StoreOptions(
        newEndpoint, region, project, credentials, partSizeBytes, parallelism, maxAttempts);
  }

  /** Returns a copy with explicit credentials. */
  public StoreOptions withCredentials(StoreCredentials newCredentials) {
    return new StoreOptions(
        endpoint, region, project, newCredentials, partSizeBytes, parallelism, maxAttempts);
  }

  /** Returns a copy with another part size and parallelism. */
  public StoreOptions withParts(int newPartSizeBytes, int newParallelism) {
    return new StoreOptions(
        endpoint, region, project, credentials, newPartSizeBytes, newParallelism, maxAttempts);
  }
}
