package dev.lifeboat.activities.storage.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStoreProvider;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.activities.storage.internal.UploadThreads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.netty.resources.ConnectionProvider;

/**
 * {@code azblob://account/container/optional/prefix}: Azure Blob Storage, at {@code
 * https://<account>.blob.core.windows.net} or at {@link StoreOptions#endpoint()} (for example
 * Azurite's {@code http://127.0.0.1:10000/devstoreaccount1}). It authenticates with the account key
 * in {@link StoreCredentials#secret()} (the account is {@link StoreCredentials#id()}, or the URL's
 * when that is null), or with a SAS token in the endpoint's query. Azure AD credentials are not
 * supported: the identity library is not on the class path.
 *
 * <p>With blocks of {@code partSizeBytes} a blob can have at most 50,000 blocks: 781 GiB at the
 * default 16 MiB.
 */
public final class AzureBlobBackupStoreProvider implements BackupStoreProvider {

  /** Fails fast when the endpoint is unreachable, so retries and outages surface in seconds. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /** A stalled response is abandoned (and the request retried) after this long without data. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private static final Duration BACKOFF_BASE = Duration.ofMillis(200);
  private static final Duration BACKOFF_MAX = Duration.ofSeconds(20);

  /** The HTTP client's own event loop, so that closing the store ends its threads. */
  private static final int EVENT_LOOP_THREADS = 2;

  @Override
  public String scheme() {
    return "azblob";
  }

  @Override
  public BackupStore open(URI url, StoreOptions options) throws IOException {
    AzureBlobUrl location = AzureBlobUrl.parse(url);
    StoreCredentials credentials = options.credentials();
    String endpoint =
        options.endpoint() != null
            ? options.endpoint()
            : "https://" + location.account() + ".blob.core.windows.net";
    if ((credentials == null || credentials.secret() == null) && !hasSasToken(endpoint)) {
      throw new IllegalArgumentException(
          "backup destination '"
              + url
              + "' needs credentials: give the storage account key, or an endpoint with a SAS"
              + " token (Azure AD sign-in is not supported)");
    }

    ConnectionProvider connections =
        ConnectionProvider.builder("lifeboat-azblob")
            .maxConnections(Math.max(50, options.parallelism() * 4))
            .build();
    EventLoopGroup eventLoop =
        new NioEventLoopGroup(
            EVENT_LOOP_THREADS, UploadThreads.daemonThreads("lifeboat-azblob-http"));
    Runnable release =
        () -> {
          connections.dispose();
          eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        };
    try {
      HttpClient http =
          new NettyAsyncHttpClientBuilder()
              .connectionProvider(connections)
              .eventLoopGroup(eventLoop)
              .connectTimeout(CONNECT_TIMEOUT)
              .readTimeout(READ_TIMEOUT)
              .responseTimeout(READ_TIMEOUT)
              .build();
      BlobServiceClientBuilder builder =
          new BlobServiceClientBuilder()
              .endpoint(endpoint)
              .httpClient(http)
              .retryOptions(
                  new RequestRetryOptions(
                      RetryPolicyType.EXPONENTIAL,
                      options.maxAttempts(),
                      (Duration) null,
                      BACKOFF_BASE,
                      BACKOFF_MAX,
                      null));
      if (credentials != null && credentials.secret() != null) {
        String account = credentials.id() != null ? credentials.id() : location.account();
        builder.credential(new StorageSharedKeyCredential(account, credentials.secret()));
      }
      BlobContainerClient container =
          builder.buildClient().getBlobContainerClient(location.container());
      return new AzureBlobBackupStore(url.toString(), location, container, options, release);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
  }

  private static boolean hasSasToken(String endpoint) {
    String query = URI.create(endpoint).getRawQuery();
    return query != null
        && java.util.Arrays.stream(query.split("&")).anyMatch(p -> p.startsWith("sig="));
  }
}
