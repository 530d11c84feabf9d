package dev.lifeboat.activities.storage;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.config.BackupSettings;
import dev.lifeboat.config.BackupSettings.DestinationSettings;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.List;

/** Opens the store of a configured backup destination, resolving its credentials by name. */
public final class DestinationStores {

  private static final int MIB = 1024 * 1024;

  private DestinationStores() {}

  /**
   * The configured destination of that name.
   *
   * @throws io.temporal.failure.ApplicationFailure ({@code UnknownDestination}, not retryable)
   *     naming the configured ones when this worker has no such destination
   */
  public static DestinationSettings configured(LifeboatConfig config, String name) {
    BackupSettings backup = config.backup();
    List<DestinationSettings> all = backup == null ? List.of() : backup.destinations();
    return all.stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "backup destination '"
                        + name
                        + "' is not configured on this worker; configured: "
                        + all.stream().map(DestinationSettings::name).toList(),
                    ErrorTypes.UNKNOWN_DESTINATION));
  }

  /**
   * Opens a destination's store.
   *
   * @throws io.temporal.failure.ApplicationFailure ({@code MissingSecret}) when its credentials
   *     secret is not set on this worker
   */
  public static BackupStore open(DestinationSettings destination, SecretResolver secrets)
      throws IOException {
    StoreCredentials credentials = null;
    if (destination.credentialsSecret() != null) {
      String value =
          secrets.resolve(
              destination.credentialsSecret(), "backup destination " + destination.name());
      credentials = parseCredentials(destination, value);
    }
    if (destination.createIfMissing()) {
      DestinationProvisioner.provision(destination, credentials);
    }
    StoreOptions options =
        new StoreOptions(
            destination.endpoint(),
            destination.region(),
            destination.project(),
            credentials,
            destination.partSizeMiB() * MIB,
            destination.parallelism(),
            0);
    return BackupStores.open(destination.url(), options);
  }

  /**
   * S3 and Azure secrets are {@code ID:SECRET} (access key id and secret key; account name and
   * account key); a GCS secret is a service-account JSON document, taken whole.
   */
  static StoreCredentials parseCredentials(DestinationSettings destination, String value) {
    if (destination.url().startsWith("gs://")) {
      return new StoreCredentials(null, value);
    }
    return StoreCredentials.fromPair(
        value,
        "secret '"
            + destination.credentialsSecret()
            + "' of backup destination "
            + destination.name()
            + " must be ID:SECRET (access key id and secret key, or account name and key)");
  }
}
