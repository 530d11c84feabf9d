package dev.lifeboat.activities.codec;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The data key of one backup: a fresh random 256-bit key for Tink's streaming AEAD (AES256-GCM-HKDF
 * with 1 MiB segments). Each segment is authenticated on its own, so memory stays bounded and a
 * truncated, reordered or altered object fails to decrypt. The key never leaves the worker
 * unwrapped: only {@link dev.lifeboat.activities.codec.keys.KeyProvider#wrap} output is stored.
 */
public final class DataKey {

  static {
    try {
      StreamingAeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final KeysetHandle keyset;
  private final StreamingAead aead;

  private DataKey(KeysetHandle keyset) throws GeneralSecurityException {
    this.keyset = keyset;
    this.aead = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
  }

  /** Generates a new random data key. */
  public static DataKey generate() {
    try {
      return new DataKey(
          KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a data key: " + e.getMessage(), e);
    }
  }

  /** Restores a data key from the bytes {@link #toBytes()} produced (after unwrapping). */
  public static DataKey fromBytes(byte[] material) throws GeneralSecurityException {
    return new DataKey(TinkProtoKeysetFormat.parseKeyset(material, InsecureSecretKeyAccess.get()));
  }

  /** The key material, to be wrapped by a key-encryption key; never store it as is. */
  public byte[] toBytes() {
    try {
      return TinkProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot serialize a data key: " + e.getMessage(), e);
    }
  }

  /**
   * Wraps a sink in an encrypting stream bound to {@code associatedData} (the object's identity):
   * the same bytes stored under another identity do not decrypt.
   */
  public OutputStream encrypting(OutputStream sink, String associatedData) throws IOException {
    try {
      return aead.newEncryptingStream(sink, associatedData.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start encryption: " + e.getMessage(), e);
    }
  }

  /** Wraps a source of ciphertext in a decrypting, authenticating stream. */
  public InputStream decrypting(InputStream source, String associatedData) throws IOException {
    try {
      return aead.newDecryptingStream(source, associatedData.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot start decryption: " + e.getMessage(), e);
    }
  }
}
