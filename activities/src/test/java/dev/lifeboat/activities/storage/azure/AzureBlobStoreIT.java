package dev.lifeboat.activities.storage.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.lifeboat.activities.storage.AbstractBackupStoreContractTest;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.LocalStack;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.IOException;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on Azurite, plus what only Azure Blob shows: staged blocks. */
class AzureBlobStoreIT extends AbstractBackupStoreContractTest {

  private static final String ACCOUNT = "devstoreaccount1";

  /** Azurite's published development key, the same on every installation. */
  private static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final String CONTAINER = "lifeboat-it";
  private static final String ENDPOINT =
      "http://127.0.0.1:" + LocalStack.port("AZURITE_PORT", 10000) + "/" + ACCOUNT;

  private static BlobContainerClient admin;

  private final String prefix = "it-" + UUID.randomUUID();
  private BackupStore reopened;

  @BeforeAll
  static void connectAdmin() {
    admin =
        new BlobServiceClientBuilder()
            .endpoint(ENDPOINT)
            .credential(new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY))
            .buildClient()
            .getBlobContainerClient(CONTAINER);
  }

  @AfterEach
  void closeReopened() {
    if (reopened != null) {
      reopened.close();
    }
  }

  /** Small attempts count, so the outage test fails within seconds. */
  static StoreOptions options() {
    return new StoreOptions(
        ENDPOINT, null, null, new StoreCredentials(null, ACCOUNT_KEY), PART_SIZE, 3, 2);
  }

  private String url() {
    return "azblob://" + ACCOUNT + "/" + CONTAINER + "/backups/" + prefix;
  }

  @Override
  protected BackupStore createStore() throws Exception {
    admin.createIfNotExists();
    return BackupStores.open(url(), options());
  }

  @Override
  protected boolean takeBackendDown() throws Exception {
    LocalStack.stop("azurite");
    return true;
  }

  @Override
  protected void bringBackendUp() throws Exception {
    LocalStack.start("azurite");
  }

  /** Azurite runs in memory, so after a restart the container is made again. */
  @Override
  protected BackupStore reopen() throws Exception {
    admin.createIfNotExists();
    reopened = BackupStores.open(url(), options());
    return reopened;
  }

  @Test
  void blocksStayUncommittedUntilCommit() throws Exception {
    String name = "backups/" + prefix + "/staged";
    try (ObjectWriter writer = store.create("staged")) {
      writer.write(randomBytes(PART_SIZE * 2 + 1, 8));
      // Both full blocks have been handed to upload threads; commit waits for them.
      writer.commit();
    }

    assertThat(
            admin
                .getBlobClient(name)
                .getBlockBlobClient()
                .listBlocks(BlockListType.ALL)
                .getCommittedBlocks())
        .hasSize(3);
    assertThat(get("staged")).hasSize(PART_SIZE * 2 + 1);
  }

  @Test
  void keepsObjectsUnderItsPrefix() throws Exception {
    put("base/0001/manifest.json", "{}".getBytes());

    assertThat(
            admin
                .getBlobClient("backups/" + prefix + "/base/0001/manifest.json")
                .getProperties()
                .getBlobSize())
        .isEqualTo(2);
  }

  @Test
  void anUnreachableEndpointFailsWithTheUrlTheKeyAndTheCause() throws Exception {
    StoreOptions closedPort =
        options().withEndpoint("http://127.0.0.1:" + LocalStack.closedPort() + "/" + ACCOUNT);
    try (BackupStore unreachable = BackupStores.open(url(), closedPort)) {
      assertThatThrownBy(() -> put(unreachable, "manifest.json", "{}".getBytes()))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("upload of 'manifest.json' to " + url() + " failed: ")
          .hasMessageContaining("Connection refused");
    }
  }

  @Test
  void refusesToOpenWithoutCredentialsOrSasToken() {
    StoreOptions anonymous = options().withCredentials(null);

    assertThatThrownBy(() -> BackupStores.open(url(), anonymous))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs credentials");
  }

  private static void put(BackupStore target, String key, byte[] data) throws IOException {
    try (ObjectWriter writer = target.create(key)) {
      writer.write(data);
      writer.commit();
    }
  }
}
