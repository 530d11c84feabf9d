package dev.lifeboat.activities.codec;

import dev.lifeboat.workflows.model.Compression;

/**
 * An algorithm and its level.
 *
 * @param type the algorithm
 * @param level the level, within the algorithm's range
 */
public record CompressionSpec(Compression type, int level) {

  public CompressionSpec {
    if (type == null) {
      throw new IllegalArgumentException("compression type is required");
    }
    if (!type.allows(level)) {
      throw new IllegalArgumentException(
          "compression level "
              + level
              + " is not allowed for "
              + type.label()
              + "; use "
              + type.minLevel()
              + "-"
              + type.maxLevel());
    }
  }

  /** The algorithm at its default level. */
  public static CompressionSpec of(Compression type) {
    return new CompressionSpec(type, type.defaultLevel());
  }
}
