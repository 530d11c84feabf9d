package dev.lifeboat.activities.codec;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.workflows.model.Compression;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The one stream pipeline of every backup and restore: source, compress, encrypt, hash, store; and
 * back: store, hash, decrypt, decompress, with every mismatch reported as an {@link
 * ObjectIntegrityException}. Memory is bounded by the buffers here, the compressor's window and one
 * encryption segment, whatever the object's size.
 */
public final class ObjectPipeline {

  /** Copy buffer between the source and the filters. */
  static final int COPY_BUFFER = 1024 * 1024;

  private ObjectPipeline() {}

  /**
   * Writes one object.
   *
   * @param source the plain bytes; read to its end but not closed
   * @param store where to store
   * @param key the object's key in the store
   * @param path the object's path in its backup, recorded in the result
   * @param identity binds the ciphertext to this object (backup id and path)
   * @param codec compression and data key
   * @param progress told the stored bytes so far
   * @return size, hash and codec of what was stored; the object is committed
   */
  public static StoredObject write(
      InputStream source,
      BackupStore store,
      String key,
      String path,
      String identity,
      ObjectCodec codec,
      ProgressListener progress)
      throws IOException {
    try (ObjectWriter writer = store.create(key, progress)) {
      HashingOutputStream hashed = new HashingOutputStream(writer);
      long rawSize = 0;
      try (OutputStream sealed =
          codec.seal(new BufferedOutputStream(hashed, COPY_BUFFER), identity)) {
        byte[] buffer = new byte[COPY_BUFFER];
        int n;
        while ((n = source.read(buffer)) >= 0) {
          sealed.write(buffer, 0, n);
          rawSize += n;
        }
      }
      ObjectInfo info = writer.commit();
      if (info.size() != hashed.count()) {
        throw new IOException(
            "store "
                + store.url()
                + " reports "
                + info.size()
                + " bytes for '"
                + key
                + "' but "
                + hashed.count()
                + " were written");
      }
      return new StoredObject(
          path,
          rawSize,
          hashed.count(),
          hashed.sha256Hex(),
          codec.compression().type().label(),
          codec.encrypted());
    }
  }

  /**
   * Opens an object for reading its plain bytes without hashing the stored bytes, for a reader that
   * stops before the end (where a SHA-256 would be checked) and checks what it uses another way: an
   * incremental reading its parent's pages, whose records carry a CRC-32C of every page they
   * produce, checked by the restore. Encrypted objects are still authenticated by AES-GCM.
   */
  public static InputStream readUnhashed(
      BackupStore store, String key, StoredObject expected, String identity, ObjectCodec codec)
      throws IOException {
    Compression compression = compressionOf(key, expected);
    InputStream stored = store.open(key);
    try {
      return codec.unseal(stored, compression, identity);
    } catch (IOException | RuntimeException e) {
      stored.close();
      throw e;
    }
  }

  /** The compression an object's manifest entry names, or an error naming the object. */
  private static Compression compressionOf(String key, StoredObject expected) throws IOException {
    return Compression.byLabel(expected.compression())
        .orElseThrow(
            () ->
                new IOException(
                    "object '"
                        + key
                        + "' was stored with unknown compression '"
                        + expected.compression()
                        + "'"));
  }

  /**
   * Opens an object for reading its plain bytes. The stream checks, as it goes and at its end, that
   * the stored bytes are exactly those the manifest recorded, and throws an {@link
   * ObjectIntegrityException} naming the kind of problem otherwise.
   */
  public static InputStream read(
      BackupStore store, String key, StoredObject expected, String identity, ObjectCodec codec)
      throws IOException {
    HashingInputStream stored = HashingInputStream.open(store, key);
    Compression compression = compressionOf(key, expected);
    VerifiedInputStream verified = new VerifiedInputStream(stored, expected, store.url(), key);
    try {
      verified.attach(codec.unseal(stored, compression, identity));
    } catch (IOException e) {
      throw verified.classify(e);
    }
    return verified;
  }

  /**
   * Copies a stored object byte for byte to another store (no decryption), checking its size and
   * SHA-256 against the manifest as it goes. The copy is committed only when both match, so a
   * damaged source never produces a damaged copy that looks complete.
   */
  public static void copyVerified(
      BackupStore from,
      String key,
      StoredObject expected,
      BackupStore to,
      ProgressListener progress)
      throws IOException {
    HashingInputStream stored = HashingInputStream.open(from, key);
    try (stored;
        ObjectWriter writer = to.create(key, progress)) {
      byte[] buffer = new byte[COPY_BUFFER];
      int n;
      while ((n = stored.read(buffer)) >= 0) {
        writer.write(buffer, 0, n);
      }
      Optional<ObjectIntegrityException> problem = stored.mismatch(expected, from.url(), key);
      if (problem.isPresent()) {
        throw problem.get();
      }
      writer.commit();
    }
  }

  /**
   * Reads an object to its end and discards the plain bytes: the verification primitive.
   *
   * @return the number of plain bytes
   */
  public static long verify(
      BackupStore store, String key, StoredObject expected, String identity, ObjectCodec codec)
      throws IOException {
    try (InputStream in = read(store, key, expected, identity, codec)) {
      byte[] buffer = new byte[COPY_BUFFER];
      long total = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        total += n;
      }
      if (total != expected.rawSize()) {
        throw new ObjectIntegrityException(
            ObjectIntegrityException.Kind.UNDECODABLE,
            store.url(),
            key,
            "decodes to " + total + " bytes, the manifest records " + expected.rawSize());
      }
      return total;
    }
  }
}
