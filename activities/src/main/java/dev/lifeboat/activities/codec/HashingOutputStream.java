package dev.lifeboat.activities.codec;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Computes the SHA-256 and the size of the bytes that pass through, on their way to the store, so
 * no object is ever read twice to checksum it. Closing it flushes but does not close the store's
 * writer, which must be committed explicitly.
 */
final class HashingOutputStream extends FilterOutputStream {

  private final MessageDigest digest = Sha256.digest();
  private long count;

  HashingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] buffer, int offset, int length) throws IOException {
    out.write(buffer, offset, length);
    digest.update(buffer, offset, length);
    count += length;
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }

  long count() {
    return count;
  }

  String sha256Hex() {
    return HexFormat.of().formatHex(digest.digest());
  }
}
