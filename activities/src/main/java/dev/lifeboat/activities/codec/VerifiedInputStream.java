package dev.lifeboat.activities.codec;

import dev.lifeboat.activities.codec.ObjectIntegrityException.Kind;
import java.io.IOException;
import java.io.InputStream;

/**
 * The plain bytes of a stored object, checked against its manifest entry. When decryption or
 * decompression fails, it reads the rest of the stored bytes to tell truncation, alteration and a
 * wrong key apart, so the error says which one it is.
 */
final class VerifiedInputStream extends InputStream {

  private final HashingInputStream stored;
  private final StoredObject expected;
  private final String storeUrl;
  private final String key;
  private InputStream plain;
  private boolean verified;

  VerifiedInputStream(
      HashingInputStream stored, StoredObject expected, String storeUrl, String key) {
    this.stored = stored;
    this.expected = expected;
    this.storeUrl = storeUrl;
    this.key = key;
  }

  void attach(InputStream plainStream) {
    this.plain = plainStream;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n;
    try {
      n = plain.read(buffer, offset, length);
    } catch (IOException e) {
      throw classify(e);
    }
    if (n < 0) {
      checkStoredBytes(null);
    }
    return n;
  }

  @Override
  public void close() throws IOException {
    if (plain != null) {
      plain.close();
    }
    stored.close();
  }

  /** Explains a decode failure by what the stored bytes look like. */
  ObjectIntegrityException classify(IOException failure) {
    if (failure instanceof ObjectIntegrityException integrity) {
      return integrity;
    }
    try {
      checkStoredBytes(failure);
    } catch (ObjectIntegrityException integrity) {
      return integrity;
    } catch (IOException readFailure) {
      ObjectIntegrityException e =
          new ObjectIntegrityException(
              Kind.TRUNCATED, storeUrl, key, "reading it failed: " + readFailure.getMessage());
      e.initCause(readFailure);
      return e;
    }
    ObjectIntegrityException e =
        new ObjectIntegrityException(
            expected.encrypted() ? Kind.UNDECRYPTABLE : Kind.UNDECODABLE,
            storeUrl,
            key,
            "its stored bytes match the manifest, so "
                + (expected.encrypted()
                    ? "the data key is wrong or the object was moved from elsewhere"
                    : "the compression is not " + expected.compression())
                + " ("
                + failure.getMessage()
                + ")");
    e.initCause(failure);
    return e;
  }

  /**
   * Reads the rest of the stored bytes and compares size and hash with the manifest.
   *
   * @param cause the decode failure that led here, or null at a normal end
   */
  private void checkStoredBytes(IOException cause) throws IOException {
    if (verified) {
      return;
    }
    verified = true;
    stored.drain();
    ObjectIntegrityException problem = stored.mismatch(expected, storeUrl, key).orElse(null);
    if (problem != null) {
      if (cause != null) {
        problem.initCause(cause);
      }
      throw problem;
    }
  }
}
