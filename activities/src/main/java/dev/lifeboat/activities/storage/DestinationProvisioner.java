package dev.lifeboat.activities.storage;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Creates a destination's bucket or container when it is missing, for destinations configured with
 * {@code createIfMissing: true} (the demo's emulators). In real accounts buckets are usually
 * provisioned beforehand with their policies, so the default is off.
 */
public final class DestinationProvisioner {

  private DestinationProvisioner() {}

  /**
   * Creates the bucket (S3, GCS) or container (Azure) of a destination if it does not exist; {@code
   * file://} destinations need nothing.
   *
   * @param credentials the destination's parsed credentials, or null for the SDK's standard chain
   */
  public static void provision(DestinationSettings destination, StoreCredentials credentials) {
    URI url = URI.create(destination.url());
    switch (url.getScheme()) {
      case "s3" -> s3(destination, url.getHost(), credentials);
      case "gs" -> gcs(destination, url.getHost());
      case "azblob" -> azure(destination, url.getHost(), url.getPath().split("/")[1], credentials);
      default -> {
        // A file:// store creates its folder itself.
      }
    }
  }

  private static void s3(
      DestinationSettings destination, String bucket, StoreCredentials credentials) {
    S3ClientBuilder builder = S3Client.builder();
    if (destination.endpoint() != null) {
      builder.endpointOverride(URI.create(destination.endpoint())).forcePathStyle(true);
    }
    builder.region(Region.of(destination.region() == null ? "us-east-1" : destination.region()));
    if (credentials != null) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(credentials.id(), credentials.secret())));
    }
    try (S3Client s3 = builder.build()) {
      s3.createBucket(b -> b.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException alreadyThere) {
      // Created by an earlier run.
    }
  }

  private static void gcs(DestinationSettings destination, String bucket) {
    StorageOptions.Builder builder = StorageOptions.newBuilder();
    if (destination.endpoint() != null) {
      builder.setHost(destination.endpoint()).setCredentials(NoCredentials.getInstance());
    }
    if (destination.project() != null) {
      builder.setProjectId(destination.project());
    }
    try (Storage storage = builder.build().getService()) {
      if (storage.get(bucket) == null) {
        storage.create(BucketInfo.of(bucket));
      }
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot create bucket "
              + bucket
              + " for destination "
              + destination.name()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static void azure(
      DestinationSettings destination,
      String account,
      String container,
      StoreCredentials credentials) {
    if (credentials == null) {
      throw new IllegalArgumentException(
          "destination "
              + destination.name()
              + " needs credentialsSecret (account:key) to create its container");
    }
    String endpoint =
        destination.endpoint() != null
            ? destination.endpoint()
            : "https://" + account + ".blob.core.windows.net";
    new BlobServiceClientBuilder()
        .endpoint(endpoint)
        .credential(new StorageSharedKeyCredential(credentials.id(), credentials.secret()))
        .buildClient()
        .getBlobContainerClient(container)
        .createIfNotExists();
  }
}
