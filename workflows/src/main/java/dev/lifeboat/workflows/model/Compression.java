package dev.lifeboat.workflows.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How backup objects are compressed. The names are those of {@code BACKUP_COMPRESSION} and of
 * lifeboat.yaml; each algorithm has a level range and a default.
 */
public enum Compression {
  /** Stored as is. */
  NONE("none", 0, 0, 0),
  /** The JDK's Deflater in gzip framing; what the reference deployment used by default. */
  GZIP("gzip", 1, 9, 6),
  /** Zstandard through zstd-jni, multi-threaded; the default: fast and a good ratio. */
  ZSTD("zstd", 1, 19, 3),
  /** LZ4 frames: the fastest, with the lowest ratio. */
  LZ4("lz4", 1, 17, 1),
  /** Brotli: the best ratio of the four at high levels, and the slowest. */
  BROTLI("brotli", 0, 11, 5);

  private final String label;
  private final int minLevel;
  private final int maxLevel;
  private final int defaultLevel;

  Compression(String label, int minLevel, int maxLevel, int defaultLevel) {
    this.label = label;
    this.minLevel = minLevel;
    this.maxLevel = maxLevel;
    this.defaultLevel = defaultLevel;
  }

  /** The name used in configuration and manifests, for example {@code zstd}. */
  public String label() {
    return label;
  }

  public int minLevel() {
    return minLevel;
  }

  public int maxLevel() {
    return maxLevel;
  }

  public int defaultLevel() {
    return defaultLevel;
  }

  /** Whether {@code level} is allowed for this algorithm. */
  public boolean allows(int level) {
    return level >= minLevel && level <= maxLevel;
  }

  /** Finds an algorithm by its configuration name, ignoring case. */
  public static Optional<Compression> byLabel(String label) {
    if (label == null) {
      return Optional.empty();
    }
    String wanted = label.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(c -> c.label.equals(wanted)).findFirst();
  }

  /** The allowed names, for error messages: {@code gzip|zstd|lz4|brotli|none}. */
  public static String allowed() {
    return "gzip|zstd|lz4|brotli|none";
  }
}
