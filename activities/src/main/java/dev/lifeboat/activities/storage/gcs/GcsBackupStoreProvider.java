package dev.lifeboat.activities.storage.gcs;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStoreProvider;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code gs://bucket/optional/prefix}: Google Cloud Storage over its JSON API. Credentials are the
 * service account JSON in {@link StoreCredentials#secret()} when given; else, with an {@link
 * StoreOptions#endpoint()} (an emulator such as fake-gcs-server), none; else the application
 * default credentials. The project is {@link StoreOptions#project()}, or {@code test} against an
 * emulator.
 */
public final class GcsBackupStoreProvider implements BackupStoreProvider {

  /** Fails fast when the endpoint is unreachable, so retries and outages surface in seconds. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** A stalled socket is abandoned (and the request retried) after this long without data. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration BACKOFF_BASE = Duration.ofMillis(200);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(20);

  /** Retries stop after this long whatever the attempts left, as the library requires a bound. */
  private static final Duration RETRY_BUDGET = Duration.ofMinutes(10);

  /** Resumable uploads send chunks in multiples of 256 KiB. */
  private static final int CHUNK_GRANULE = 256 * 1024;

  private static final String EMULATOR_PROJECT = "test";

  @Override
  public String scheme() {
    return "gs";
  }

  @Override
  public BackupStore open(URI url, StoreOptions options) throws IOException {
    GcsUrl location = GcsUrl.parse(url);
    Storage storage = storageOptions(url, options).getService();
    return new GcsBackupStore(url.toString(), location, storage, chunkSize(options));
  }

  private static StorageOptions storageOptions(URI url, StoreOptions options) throws IOException {
    StorageOptions.Builder builder =
        StorageOptions.newBuilder()
            .setTransportOptions(
                HttpTransportOptions.newBuilder()
                    .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                    .setReadTimeout((int) READ_TIMEOUT.toMillis())
                    .build())
            .setRetrySettings(
                RetrySettings.newBuilder()
                    .setMaxAttempts(options.maxAttempts())
                    .setInitialRetryDelayDuration(BACKOFF_BASE)
                    .setRetryDelayMultiplier(2.0)
                    .setMaxRetryDelayDuration(BACKOFF_MAX)
                    .setTotalTimeoutDuration(RETRY_BUDGET)
                    .build());
    String project = options.project();
    if (options.endpoint() != null) {
      builder.setHost(options.endpoint());
      if (project == null) {
        project = EMULATOR_PROJECT;
      }
    }
    if (project != null) {
      builder.setProjectId(project);
    }
    StoreCredentials credentials = options.credentials();
    if (credentials != null && credentials.secret() != null) {
      builder.setCredentials(serviceAccount(url, credentials));
    } else if (options.endpoint() != null) {
      builder.setCredentials(NoCredentials.getInstance());
    }
    return builder.build();
  }

  private static ServiceAccountCredentials serviceAccount(URI url, StoreCredentials credentials)
      throws IOException {
    byte[] json = credentials.secret().getBytes(StandardCharsets.UTF_8);
    try {
      return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
    } catch (IOException | RuntimeException e) {
      // Neither the parser's message nor its cause goes into the error: either could quote a part
      // of the secret.
      throw new IOException(
          "the credentials for "
              + url
              + " are not a service account JSON key (type 'service_account' with client_email"
              + " and private_key); parsing failed with "
              + e.getClass().getSimpleName());
    }
  }

  /** The part size rounded down to whole 256 KiB granules, and at least one granule. */
  static int chunkSize(StoreOptions options) {
    return Math.max(CHUNK_GRANULE, options.partSizeBytes() / CHUNK_GRANULE * CHUNK_GRANULE);
  }
}
