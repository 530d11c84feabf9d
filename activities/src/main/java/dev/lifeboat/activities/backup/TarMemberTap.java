package dev.lifeboat.activities.backup;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Passes a tar stream through unchanged and keeps a copy of one member's content as it goes by.
 * {@code pg_basebackup} writes its {@code backup_manifest} into the tar it streams; a later
 * block-level incremental needs that manifest, so the stream backup stores it as an object of its
 * own without reading the tar twice or staging it on disk.
 */
final class TarMemberTap extends FilterInputStream {

  private static final int BLOCK = 512;

  private final String wanted;
  private final int limit;
  private final byte[] header = new byte[BLOCK];
  private int headerFill;
  private long dataLeft;
  private long paddingLeft;
  private boolean ended;
  private ByteArrayOutputStream capture;
  private byte[] captured;

  /**
   * @param wanted the member's path in the tar, such as {@code backup_manifest}
   * @param limit the largest content kept; a larger member is passed through but not kept
   */
  TarMemberTap(InputStream tar, String wanted, int limit) {
    super(tar);
    this.wanted = wanted;
    this.limit = limit;
  }

  /** The member's content, once the stream has been read past it. */
  Optional<byte[]> member() {
    return Optional.ofNullable(captured);
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      observe(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = in.read(buffer, offset, length);
    if (n > 0) {
      observe(buffer, offset, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipped bytes must be seen too, or the member boundaries are lost.
    byte[] buffer = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (read < 0) {
        break;
      }
      skipped += read;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void observe(byte[] buffer, int offset, int length) {
    int at = offset;
    int end = offset + length;
    while (at < end && !ended) {
      if (dataLeft > 0) {
        int n = (int) Math.min(dataLeft, end - at);
        if (capture != null) {
          capture.write(buffer, at, n);
        }
        dataLeft -= n;
        at += n;
        if (dataLeft == 0 && capture != null) {
          captured = capture.toByteArray();
          capture = null;
        }
      } else if (paddingLeft > 0) {
        int n = (int) Math.min(paddingLeft, end - at);
        paddingLeft -= n;
        at += n;
      } else {
        int n = Math.min(BLOCK - headerFill, end - at);
        System.arraycopy(buffer, at, header, headerFill, n);
        headerFill += n;
        at += n;
        if (headerFill == BLOCK) {
          headerFill = 0;
          startMember();
        }
      }
    }
  }

  private void startMember() {
    if (allZero(header)) {
      // The end-of-archive blocks: nothing after them is a member.
      ended = true;
      return;
    }
    long size = size(header);
    dataLeft = size;
    paddingLeft = (BLOCK - size % BLOCK) % BLOCK;
    char type = (char) header[156];
    boolean regular = type == '0' || type == '\0';
    if (regular && wanted.equals(name(header)) && size <= limit) {
      capture = new ByteArrayOutputStream((int) size);
      if (size == 0) {
        captured = new byte[0];
        capture = null;
      }
    }
  }

  /** The member's path: the ustar prefix, if any, then the name. */
  static String name(byte[] header) {
    String name = text(header, 0, 100);
    boolean ustar = text(header, 257, 6).startsWith("ustar");
    String prefix = ustar ? text(header, 345, 155) : "";
    return prefix.isEmpty() ? name : prefix + "/" + name;
  }

  /** The member's size: octal digits, or big-endian binary when the first byte's top bit is set. */
  static long size(byte[] header) {
    if ((header[124] & 0x80) != 0) {
      long value = 0;
      for (int i = 125; i < 136; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    String octal = text(header, 124, 12).strip();
    return octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
  }

  private static String text(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }
}
