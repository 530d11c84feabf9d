package dev.lifeboat.activities.codec.keys;

import java.io.IOException;

/**
 * A key-encryption key (KEK) that wraps and unwraps backup data keys. Implementations: {@link
 * LocalKeyProvider} (a key file on the worker) and {@link AwsKmsKeyProvider} (AWS KMS).
 *
 * <p>The {@code context} binds a wrapped key to its backup: a wrapped key copied onto another
 * backup does not unwrap.
 */
public interface KeyProvider {

  /** The kind, stored in {@link WrappedKey#provider()}: {@code local} or {@code aws-kms}. */
  String kind();

  /** The identifier of the current KEK. */
  String keyId();

  /** Wraps a data key under the current KEK. */
  WrappedKey wrap(byte[] dataKey, String context) throws IOException;

  /**
   * Unwraps a data key.
   *
   * @throws KeyUnavailableException when the key was wrapped by another KEK or does not unwrap
   *     (altered, or a different context)
   */
  byte[] unwrap(WrappedKey wrapped, String context) throws IOException;
}
