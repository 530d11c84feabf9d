package dev.lifeboat.activities.codec.keys;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.config.BackupSettings.KeySettings;
import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/** Opens the configured key-encryption key. */
public final class KeyProviders {

  private KeyProviders() {}

  /** Opens the key provider named in {@code backup.keys}. */
  public static KeyProvider open(KeySettings settings, SecretResolver secrets) throws IOException {
    return switch (settings.provider()) {
      case LocalKeyProvider.KIND -> LocalKeyProvider.openOrCreate(settings.file());
      case AwsKmsKeyProvider.KIND ->
          new AwsKmsKeyProvider(kms(settings, secrets), settings.kmsKeyId());
      default ->
          throw new IllegalArgumentException(
              "backup.keys.provider '"
                  + settings.provider()
                  + "' is not allowed; use local|aws-kms");
    };
  }

  private static KmsClient kms(KeySettings settings, SecretResolver secrets) {
    KmsClientBuilder builder = KmsClient.builder();
    if (settings.region() != null) {
      builder.region(Region.of(settings.region()));
    } else if (settings.endpoint() != null) {
      builder.region(Region.US_EAST_1);
    }
    if (settings.endpoint() != null) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    if (settings.credentialsSecret() != null) {
      String value =
          secrets.resolve(settings.credentialsSecret(), "the AWS KMS key-encryption key");
      StoreCredentials credentials =
          StoreCredentials.fromPair(
              value,
              "secret '"
                  + settings.credentialsSecret()
                  + "' must be ACCESS_KEY_ID:SECRET_ACCESS_KEY");
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(credentials.id(), credentials.secret())));
    }
    return builder.build();
  }
}
