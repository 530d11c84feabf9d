package dev.lifeboat.activities.storage.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import dev.lifeboat.activities.storage.AbstractBackupStoreContractTest;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.LocalStack;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on fake-gcs-server, plus what only Cloud Storage shows. */
class GcsBackupStoreIT extends AbstractBackupStoreContractTest {

  private static final String BUCKET = "lifeboat-it";
  private static final String ENDPOINT =
      "http://127.0.0.1:" + LocalStack.port("FAKE_GCS_PORT", 4443);
  private static final int HTTP_CONFLICT = 409;

  private static Storage admin;

  private final String prefix = "it-" + UUID.randomUUID();
  private BackupStore reopened;

  @BeforeAll
  static void connectAdmin() {
    admin =
        StorageOptions.newBuilder()
            .setHost(ENDPOINT)
            .setProjectId("test")
            .setCredentials(NoCredentials.getInstance())
            .build()
            .getService();
  }

  @AfterAll
  static void closeAdmin() throws Exception {
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
    return new StoreOptions(ENDPOINT, null, "test", null, PART_SIZE, 0, 2);
  }

  private String url() {
    return "gs://" + BUCKET + "/backups/" + prefix;
  }

  @Override
  protected BackupStore createStore() throws Exception {
    createBucketIfMissing();
    return BackupStores.open(url(), options());
  }

  @Override
  protected boolean takeBackendDown() throws Exception {
    LocalStack.stop("fake-gcs");
    return true;
  }

  @Override
  protected void bringBackendUp() throws Exception {
    LocalStack.start("fake-gcs");
  }

  /** fake-gcs-server keeps buckets in memory, so after a restart the bucket is made again. */
  @Override
  protected BackupStore reopen() throws Exception {
    createBucketIfMissing();
    reopened = BackupStores.open(url(), options());
    return reopened;
  }

  private static void createBucketIfMissing() {
    if (admin.get(BUCKET) == null) {
      try {
        admin.create(BucketInfo.of(BUCKET));
      } catch (StorageException e) {
        if (e.getCode() != HTTP_CONFLICT) {
          throw e;
        }
      }
    }
  }

  @Test
  void keepsObjectsUnderItsPrefix() throws Exception {
    put("base/0001/manifest.json", "{}".getBytes());

    assertThat(
            admin
                .get(BlobId.of(BUCKET, "backups/" + prefix + "/base/0001/manifest.json"))
                .getSize())
        .isEqualTo(2);
  }

  @Test
  void anUnreachableEndpointFailsWithTheUrlTheKeyAndTheCause() throws Exception {
    StoreOptions closedPort = options().withEndpoint("http://127.0.0.1:" + LocalStack.closedPort());
    try (BackupStore unreachable = BackupStores.open(url(), closedPort)) {
      assertThatThrownBy(() -> put(unreachable, "manifest.json", "{}".getBytes()))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("upload of 'manifest.json' to " + url() + " failed: ")
          .hasMessageContaining("Connection refused");
    }
  }

  private static void put(BackupStore target, String key, byte[] data) throws IOException {
    try (ObjectWriter writer = target.create(key)) {
      writer.write(data);
      writer.commit();
    }
  }
}
