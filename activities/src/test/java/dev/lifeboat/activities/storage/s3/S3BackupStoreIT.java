package dev.lifeboat.activities.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.storage.AbstractBackupStoreContractTest;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.LocalStack;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The contract on moto's S3, plus what only S3 shows: multipart uploads in progress. */
class S3BackupStoreIT extends AbstractBackupStoreContractTest {

  private static final String BUCKET = "lifeboat-it";
  private static final String ENDPOINT = "http://127.0.0.1:" + LocalStack.port("MOTO_PORT", 55000);
  private static final StoreCredentials DUMMY = new StoreCredentials("test", "test");

  private static S3Client admin;

  private final String prefix = "it-" + UUID.randomUUID();
  private BackupStore reopened;

  @BeforeAll
  static void connectAdmin() {
    admin =
        S3Client.builder()
            .endpointOverride(URI.create(ENDPOINT))
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(DUMMY.id(), DUMMY.secret())))
            .build();
  }

  @AfterAll
  static void closeAdmin() {
    admin.close();
  }

  @AfterEach
  void closeReopened() {
    if (reopened != null) {
      reopened.close();
    }
  }

  /** Small attempts count, so the outage test fails within seconds. */
  static StoreOptions options() {
    return new StoreOptions(ENDPOINT, "us-east-1", null, DUMMY, PART_SIZE, 3, 2);
  }

  private String url() {
    return "s3://" + BUCKET + "/backups/" + prefix;
  }

  @Override
  protected BackupStore createStore() throws Exception {
    createBucketIfMissing();
    return BackupStores.open(url(), options());
  }

  @Override
  protected boolean takeBackendDown() throws Exception {
    LocalStack.stop("moto");
    return true;
  }

  @Override
  protected void bringBackendUp() throws Exception {
    LocalStack.start("moto");
  }

  /** Moto keeps buckets in memory, so after a restart the bucket has to be made again. */
  @Override
  protected BackupStore reopen() throws Exception {
    createBucketIfMissing();
    reopened = BackupStores.open(url(), options());
    return reopened;
  }

  private static void createBucketIfMissing() {
    try {
      admin.headBucket(b -> b.bucket(BUCKET));
    } catch (NoSuchBucketException e) {
      try {
        admin.createBucket(b -> b.bucket(BUCKET));
      } catch (BucketAlreadyOwnedByYouException raced) {
        // Another test class made it in the meantime.
      }
    }
  }

  @Test
  void anAbortedMultipartUploadLeavesNoUploadInProgress() throws Exception {
    try (ObjectWriter writer = store.create("aborted")) {
      writer.write(randomBytes(PART_SIZE * 2, 7));
      assertThat(uploadsInProgress()).isEqualTo(1);
    }

    assertThat(uploadsInProgress()).isZero();
  }

  @Test
  void keepsObjectsUnderItsPrefix() throws Exception {
    put("base/0001/manifest.json", "{}".getBytes());

    assertThat(
            admin
                .headObject(
                    b -> b.bucket(BUCKET).key("backups/" + prefix + "/base/0001/manifest.json"))
                .contentLength())
        .isEqualTo(2);
  }

  @Test
  void aMissingBucketFailsWithTheUrlTheKeyAndTheCause() throws Exception {
    try (BackupStore missing =
        BackupStores.open("s3://no-such-bucket-" + prefix.substring(3, 15), options())) {
      assertThatThrownBy(() -> put("manifest.json", "{}".getBytes(), missing))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("upload of 'manifest.json' to " + missing.url() + " failed: ")
          .hasMessageContaining("bucket")
          .hasCauseInstanceOf(S3Exception.class);
    }
  }

  @Test
  void anUnreachableEndpointFailsWithTheUrlTheKeyAndTheCause() throws Exception {
    StoreOptions closedPort = options().withEndpoint("http://127.0.0.1:" + LocalStack.closedPort());
    try (BackupStore unreachable = BackupStores.open(url(), closedPort)) {
      assertThatThrownBy(() -> put("manifest.json", "{}".getBytes(), unreachable))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("upload of 'manifest.json' to " + url() + " failed: ")
          .hasMessageContaining("Connection refused");
    }
  }

  private static void put(String key, byte[] data, BackupStore target) throws IOException {
    try (ObjectWriter writer = target.create(key)) {
      writer.write(data);
      writer.commit();
    }
  }

  private int uploadsInProgress() {
    return admin
        .listMultipartUploads(b -> b.bucket(BUCKET).prefix("backups/" + prefix + "/"))
        .uploads()
        .size();
  }
}
