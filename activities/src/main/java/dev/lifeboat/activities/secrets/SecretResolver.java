package dev.lifeboat.activities.secrets;

import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves secrets by name on the worker, so that workflow inputs and histories only ever carry a
 * secret's name. A secret {@code pg-shop} is read from the environment variable {@code
 * LIFEBOAT_SECRET_PG_SHOP} if set, else from the file {@code <secrets dir>/pg-shop}.
 */
public final class SecretResolver {

  private static final String ENV_PREFIX = "LIFEBOAT_SECRET_";

  private final Path directory;
  private final Map<String, String> environment;

  public SecretResolver(Path directory, Map<String, String> environment) {
    this.directory = directory;
    this.environment = environment;
  }

  /** Returns the environment variable that can hold the named secret. */
  public static String variableFor(String name) {
    return ENV_PREFIX + name.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * Returns the value of a secret.
   *
   * @param name the secret's name from lifeboat.yaml
   * @param usedBy what needs it, for the error message, e.g. {@code node sydney of cluster shop}
   * @throws ApplicationFailure of type {@code MissingSecret}, not retryable, when it is not set
   */
  public String resolve(String name, String usedBy) {
    String fromEnv = environment.get(variableFor(name));
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    Path file = directory.resolve(name);
    try {
      if (Files.isReadable(file)) {
        return Files.readString(file).strip();
      }
    } catch (IOException e) {
      throw ApplicationFailure.newNonRetryableFailure(
          "secret '" + name + "' for " + usedBy + " cannot be read from " + file + ": " + e,
          ErrorTypes.MISSING_SECRET);
    }
    throw ApplicationFailure.newNonRetryableFailure(
        "secret '"
            + name
            + "' for "
            + usedBy
            + " is not set on this worker: set "
            + variableFor(name)
            + " or create the file "
            + file,
        ErrorTypes.MISSING_SECRET);
  }
}
