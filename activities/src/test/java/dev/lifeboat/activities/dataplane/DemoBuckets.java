package dev.lifeboat.activities.dataplane;

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
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * Provisions the buckets and containers the demo configuration names on the emulators, as an
 * operator provisions them in a real account before the first backup.
 */
final class DemoBuckets {

  private DemoBuckets() {}

  static void provision(DestinationSettings destination, String credentials) throws Exception {
    URI url = URI.create(destination.url());
    switch (url.getScheme()) {
      case "s3" -> s3(destination, url.getHost(), credentials);
      case "gs" -> gcs(destination, url.getHost());
      case "azblob" -> azure(destination, url.getPath().split("/")[1], credentials);
      default -> {
        // file:// needs no provisioning: the store creates its folder.
      }
    }
  }

  private static void s3(DestinationSettings destination, String bucket, String credentials) {
    String[] idAndSecret = credentials.split(":", 2);
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(destination.endpoint()))
            .forcePathStyle(true)
            .region(Region.of(destination.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(idAndSecret[0], idAndSecret[1])))
            .build()) {
      try {
        s3.createBucket(b -> b.bucket(bucket));
      } catch (BucketAlreadyOwnedByYouException alreadyThere) {
        // Provisioned by an earlier run.
      }
    }
  }

  private static void gcs(DestinationSettings destination, String bucket) throws Exception {
    try (Storage storage =
        StorageOptions.newBuilder()
            .setHost(destination.endpoint())
            .setProjectId(destination.project())
            .setCredentials(NoCredentials.getInstance())
            .build()
            .getService()) {
      if (storage.get(bucket) == null) {
        storage.create(BucketInfo.of(bucket));
      }
    }
  }

  private static void azure(DestinationSettings destination, String container, String credentials) {
    String[] accountAndKey = credentials.split(":", 2);
    new BlobServiceClientBuilder()
        .endpoint(destination.endpoint())
        .credential(new StorageSharedKeyCredential(accountAndKey[0], accountAndKey[1]))
        .buildClient()
        .getBlobContainerClient(container)
        .createIfNotExists();
  }
}
