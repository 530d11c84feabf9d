package dev.lifeboat.activities.codec.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.manifest.BackupVerifier;
import dev.lifeboat.activities.manifest.KeyRotation;
import dev.lifeboat.activities.manifest.TestBackups;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** The AWS KMS key provider against moto's KMS on the local stack. */
class AwsKmsKeyProviderIT {

  private static KmsClient kms;
  private static String keyId;

  @TempDir Path dir;

  @BeforeAll
  static void createKey() {
    String port = System.getenv().getOrDefault("MOTO_PORT", "55000");
    kms =
        KmsClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .build();
    keyId = kms.createKey(r -> r.description("lifeboat test KEK")).keyMetadata().keyId();
  }

  @AfterAll
  static void closeClient() {
    kms.close();
  }

  @Test
  void wrapsAndUnwrapsBoundToTheBackup() throws Exception {
    AwsKmsKeyProvider provider = new AwsKmsKeyProvider(kms, keyId);

    WrappedKey wrapped = provider.wrap(new byte[] {9, 8, 7}, "lifeboat:shop/b1");

    assertThat(wrapped.provider()).isEqualTo("aws-kms");
    assertThat(wrapped.kekId()).isEqualTo(keyId);
    assertThat(provider.unwrap(wrapped, "lifeboat:shop/b1")).containsExactly(9, 8, 7);
    assertThatThrownBy(() -> provider.unwrap(wrapped, "lifeboat:shop/b2"))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("refused the wrapped data key for lifeboat:shop/b2");
  }

  @Test
  void anAlteredWrappedKeyIsRefused() throws Exception {
    AwsKmsKeyProvider provider = new AwsKmsKeyProvider(kms, keyId);
    WrappedKey wrapped = provider.wrap(new byte[] {1}, "lifeboat:shop/b1");
    byte[] blob = Base64.getDecoder().decode(wrapped.ciphertext());
    blob[blob.length - 1] ^= 1;
    WrappedKey altered =
        new WrappedKey(
            wrapped.provider(), wrapped.kekId(), Base64.getEncoder().encodeToString(blob));

    assertThatThrownBy(() -> provider.unwrap(altered, "lifeboat:shop/b1"))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("lifeboat:shop/b1");
  }

  @Test
  void backupsRotateFromALocalKeyToKms() throws Exception {
    BackupStore store =
        BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    LocalKeyProvider local = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
    TestBackups.write(store, local, "shop", "b1");
    AwsKmsKeyProvider provider = new AwsKmsKeyProvider(kms, keyId);

    KeyRotation.Report report = KeyRotation.rotate(store, local, provider);

    assertThat(report.rewrapped()).isEqualTo(1);
    assertThat(BackupVerifier.verify(store, "shop", "b1", provider, ProgressListener.NONE).intact())
        .isTrue();
  }
}
