package dev.lifeboat.activities.codec;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A reproducible stream of bytes that compresses roughly like a database: runs of text-like rows
 * mixed with blocks of random bytes, generated as it is read so large sizes cost no memory.
 */
public final class SyntheticData extends InputStream {

  private static final String[] WORDS = {
    "Bondi", "Surry Hills", "Shibuya", "Meguro", "apartment", "house", "3 bedroom", "garden",
    "harbour view", "renovated", "station", "price", "auction", "listing", "2026-11-25", "sold"
  };

  private final SplittableRandom random;
  private long remaining;
  private byte[] chunk = new byte[0];
  private int position;

  public SyntheticData(long size, long seed) {
    this.random = new SplittableRandom(seed);
    this.remaining = size;
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) {
    if (remaining <= 0) {
      return -1;
    }
    if (position == chunk.length) {
      refill();
    }
    int n = (int) Math.min(Math.min(length, chunk.length - position), remaining);
    System.arraycopy(chunk, position, buffer, offset, n);
    position += n;
    remaining -= n;
    return n;
  }

  private void refill() {
    if (random.nextInt(4) == 0) {
      chunk = new byte[1024 + random.nextInt(8192)];
      random.nextBytes(chunk);
    } else {
      StringBuilder rows = new StringBuilder();
      for (int i = 0; i < 100; i++) {
        rows.append(random.nextLong(1_000_000))
            .append('\t')
            .append(WORDS[random.nextInt(WORDS.length)])
            .append(' ')
            .append(WORDS[random.nextInt(WORDS.length)])
            .append('\t')
            .append(random.nextInt(5_000_000))
            .append('\n');
      }
      chunk = rows.toString().getBytes(StandardCharsets.US_ASCII);
    }
    position = 0;
  }
}
