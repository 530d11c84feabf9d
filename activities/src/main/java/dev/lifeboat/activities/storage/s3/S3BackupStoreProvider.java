package dev.lifeboat.activities.storage.s3;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStoreProvider;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * {@code s3://bucket/optional/prefix}: Amazon S3, or an S3-compatible service when {@link
 * StoreOptions#endpoint()} is set (path-style requests, region {@code us-east-1} unless given).
 * Credentials come from {@link StoreOptions#credentials()} (access key id and secret access key),
 * else from the SDK's default chain (environment, profile, instance or container role).
 *
 * <p>With parts of {@code partSizeBytes} an object can have at most 10,000 parts (S3's limit): 156
 * GiB at the default 16 MiB. Larger objects need a larger part size.
 */
public final class S3BackupStoreProvider implements BackupStoreProvider {

  /** Fails fast when the endpoint is unreachable, so retries and outages surface in seconds. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** A stalled socket is abandoned (and the request retried) after this long without data. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration BACKOFF_BASE = Duration.ofMillis(200);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(20);
  private static final String DEFAULT_EMULATOR_REGION = "us-east-1";

  @Override
  public String scheme() {
    return "s3";
  }

  @Override
  public BackupStore open(URI url, StoreOptions options) throws IOException {
    S3Url location = S3Url.parse(url);
    try {
      return new S3BackupStore(url.toString(), location, client(options), options);
    } catch (SdkException e) {
      // For example no region anywhere in the default chain.
      throw new IOException("cannot open " + url + ": " + e.getMessage(), e);
    }
  }

  private static S3Client client(StoreOptions options) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(SOCKET_TIMEOUT)
                    .maxConnections(Math.max(50, options.parallelism() * 4)))
            .overrideConfiguration(
                o ->
                    o.retryStrategy(
                        AwsRetryStrategy.standardRetryStrategy().toBuilder()
                            .maxAttempts(options.maxAttempts())
                            .backoffStrategy(
                                BackoffStrategy.exponentialDelay(BACKOFF_BASE, BACKOFF_MAX))
                            .build()));
    if (options.endpoint() != null) {
      builder.endpointOverride(URI.create(options.endpoint())).forcePathStyle(true);
    }
    String region =
        options.region() != null
            ? options.region()
            : options.endpoint() != null ? DEFAULT_EMULATOR_REGION : null;
    if (region != null) {
      builder.region(Region.of(region));
    }
    StoreCredentials credentials = options.credentials();
    if (credentials != null) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(credentials.id(), credentials.secret())));
    }
    return builder.build();
  }
}
