package dev.lifeboat.activities.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * Reads which database system wrote a WAL segment. The first page of every segment starts with
 * PostgreSQL's long page header ({@code XLogLongPageHeaderData}): the short header (magic, info
 * with {@code XLP_LONG_HEADER} set, timeline, page address, remaining length; 24 bytes with its
 * padding), then {@code xlp_sysid}, the system identifier that {@code initdb} chose, little-endian
 * on the platforms PostgreSQL is packaged for here. Two clusters created separately under one name
 * write segments with the same names; only this tells their WAL apart.
 */
public final class WalPageHeader {

  /** Bytes read: the long header up to and including {@code xlp_sysid}. */
  static final int LENGTH = 32;

  private static final int XLP_LONG_HEADER = 0x0002;
  private static final int SYSTEM_ID_OFFSET = 24;

  private WalPageHeader() {}

  /**
   * The system identifier in a segment's first bytes, or empty when they do not hold a long page
   * header (an empty {@code .partial} that pg_receivewal has not written yet).
   */
  public static OptionalLong systemIdentifier(byte[] first, int length) {
    if (length < LENGTH) {
      return OptionalLong.empty();
    }
    int info = (first[2] & 0xFF) | (first[3] & 0xFF) << 8;
    if ((info & XLP_LONG_HEADER) == 0) {
      return OptionalLong.empty();
    }
    long id = 0;
    for (int i = 7; i >= 0; i--) {
      id = id << 8 | (first[SYSTEM_ID_OFFSET + i] & 0xFF);
    }
    return id == 0 ? OptionalLong.empty() : OptionalLong.of(id);
  }

  /** The system identifier of a segment file, or empty as for {@link #systemIdentifier}. */
  public static OptionalLong systemIdentifier(Path segment) throws IOException {
    try (FileChannel file = FileChannel.open(segment, StandardOpenOption.READ)) {
      ByteBuffer first = ByteBuffer.allocate(LENGTH);
      while (first.hasRemaining() && file.read(first) >= 0) {
        // Reads up to the header's length or the end of a short file.
      }
      return systemIdentifier(first.array(), first.position());
    }
  }
}
