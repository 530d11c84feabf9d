package dev.lifeboat.activities.codec;

import dev.lifeboat.activities.codec.ObjectIntegrityException.Kind;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/** Computes the SHA-256 and the size of the bytes read from a store, as they are read. */
final class HashingInputStream extends FilterInputStream {

  private final MessageDigest digest = Sha256.digest();
  private long count;
  private boolean eof;

  HashingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      eof = true;
    } else {
      digest.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      eof = true;
    } else if (n > 0) {
      digest.update(buffer, offset, n);
      count += n;
    }
    return n;
  }

  /** Skipping would leave bytes out of the hash, so read them instead. */
  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads whatever is left, so the hash and size cover the whole object. */
  void drain() throws IOException {
    byte[] scratch = new byte[64 * 1024];
    while (read(scratch, 0, scratch.length) >= 0) {
      // Only the digest and the count matter here.
    }
  }

  boolean atEof() {
    return eof;
  }

  long count() {
    return count;
  }

  /**
   * Opens a stored object for hashed reading.
   *
   * @throws ObjectIntegrityException of kind {@code MISSING} when there is no such object
   */
  static HashingInputStream open(BackupStore store, String key) throws IOException {
    try {
      return new HashingInputStream(store.open(key));
    } catch (NoSuchObjectException e) {
      throw new ObjectIntegrityException(
          ObjectIntegrityException.Kind.MISSING, store.url(), key, "no such object");
    }
  }

  /**
   * Compares what was read with the manifest's record; call once, after the end was reached.
   *
   * @return the problem (truncated, oversized or corrupted), or empty when size and hash match
   */
  Optional<ObjectIntegrityException> mismatch(StoredObject expected, String storeUrl, String key) {
    if (count < expected.size()) {
      return Optional.of(
          new ObjectIntegrityException(
              Kind.TRUNCATED,
              storeUrl,
              key,
              count + " of " + expected.size() + " bytes are stored"));
    }
    if (count > expected.size()) {
      return Optional.of(
          new ObjectIntegrityException(
              Kind.OVERSIZED,
              storeUrl,
              key,
              count + " bytes are stored, " + expected.size() + " recorded"));
    }
    String actual = sha256Hex();
    if (!actual.equals(expected.sha256())) {
      return Optional.of(
          new ObjectIntegrityException(
              Kind.CORRUPTED, storeUrl, key, "expected " + expected.sha256() + ", got " + actual));
    }
    return Optional.empty();
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
