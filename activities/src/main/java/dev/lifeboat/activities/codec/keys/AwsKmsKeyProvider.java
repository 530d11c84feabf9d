package dev.lifeboat.activities.codec.keys;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;

/**
 * A key-encryption key in AWS KMS: data keys are wrapped with {@code Encrypt} and unwrapped with
 * {@code Decrypt}, with the backup's identity as encryption context. The KEK never leaves KMS.
 */
public final class AwsKmsKeyProvider implements KeyProvider, AutoCloseable {

  public static final String KIND = "aws-kms";

  private final KmsClient kms;
  private final String keyId;

  /**
   * Uses a KMS key.
   *
   * @param kms a client for the key's region (endpoint overridden for emulators)
   * @param keyId key id, ARN or alias ({@code alias/lifeboat})
   */
  public AwsKmsKeyProvider(KmsClient kms, String keyId) {
    this.kms = kms;
    this.keyId = keyId;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public WrappedKey wrap(byte[] dataKey, String context) throws IOException {
    try {
      EncryptResponse response =
          kms.encrypt(
              r ->
                  r.keyId(keyId)
                      .plaintext(SdkBytes.fromByteArray(dataKey))
                      .encryptionContext(Map.of("lifeboat", context)));
      return new WrappedKey(
          KIND, keyId, Base64.getEncoder().encodeToString(response.ciphertextBlob().asByteArray()));
    } catch (SdkException e) {
      throw new IOException(
          "AWS KMS could not wrap a data key with " + keyId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] unwrap(WrappedKey wrapped, String context) throws IOException {
    if (!KIND.equals(wrapped.provider())) {
      throw new KeyUnavailableException(
          "the data key was wrapped by a "
              + wrapped.provider()
              + " key ("
              + wrapped.kekId()
              + "), not by AWS KMS");
    }
    try {
      DecryptResponse response =
          kms.decrypt(
              r ->
                  r.keyId(wrapped.kekId())
                      .ciphertextBlob(
                          SdkBytes.fromByteArray(Base64.getDecoder().decode(wrapped.ciphertext())))
                      .encryptionContext(Map.of("lifeboat", context)));
      return response.plaintext().asByteArray();
    } catch (InvalidCiphertextException e) {
      throw new KeyUnavailableException(
          "AWS KMS refused the wrapped data key for "
              + context
              + " (altered, or another backup's key)",
          e);
    } catch (SdkException e) {
      throw new IOException(
          "AWS KMS could not unwrap the data key for " + context + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    kms.close();
  }
}
