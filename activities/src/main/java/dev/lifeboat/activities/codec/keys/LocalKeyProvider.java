package dev.lifeboat.activities.codec.keys;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Set;

/**
 * A key-encryption key kept in a file on the worker: a Tink AES256-GCM keyset in JSON, created with
 * mode 0600 on first use. Back the file up apart from the backups: without it they cannot be
 * restored.
 */
public final class LocalKeyProvider implements KeyProvider {

  public static final String KIND = "local";

  static {
    try {
      AeadConfig.register();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String keyId;
  private final Aead aead;

  private LocalKeyProvider(String keyId, Aead aead) {
    this.keyId = keyId;
    this.aead = aead;
  }

  /**
   * Opens the key file, creating it (mode 0600, parent folders 0700) when it does not exist.
   *
   * @throws IOException naming the file when it cannot be read or is not a key file
   */
  public static LocalKeyProvider openOrCreate(Path file) throws IOException {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      KeysetHandle handle =
          TinkJsonProtoKeysetFormat.parseKeyset(
              Files.readString(file, StandardCharsets.UTF_8), InsecureSecretKeyAccess.get());
      Aead aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
      String id =
          "local:"
              + file.getFileName()
              + ":"
              + Integer.toUnsignedString(handle.getPrimary().getId());
      return new LocalKeyProvider(id, aead);
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "key file " + file + " is not a Lifeboat key-encryption key: " + e.getMessage(), e);
    }
  }

  private static void create(Path file) throws IOException, GeneralSecurityException {
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.exists(parent)) {
      Files.createDirectories(
          parent,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
    String json = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
    Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
    // Created with its final mode, so the key is never readable by others, not even for a moment.
    Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
    Files.writeString(file, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
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
      byte[] wrapped = aead.encrypt(dataKey, context.getBytes(StandardCharsets.UTF_8));
      return new WrappedKey(KIND, keyId, Base64.getEncoder().encodeToString(wrapped));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot wrap a data key with " + keyId + ": " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] unwrap(WrappedKey wrapped, String context) throws IOException {
    if (!keyId.equals(wrapped.kekId())) {
      throw new KeyUnavailableException(
          "the data key was wrapped by "
              + wrapped.kekId()
              + " but this worker's key-encryption key is "
              + keyId
              + "; configure the old key or rotate the backups to the new one");
    }
    try {
      return aead.decrypt(
          Base64.getDecoder().decode(wrapped.ciphertext()),
          context.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new KeyUnavailableException(
          "the wrapped data key for " + context + " does not unwrap with " + keyId + " (altered?)",
          e);
    }
  }
}
