package dev.lifeboat.activities.codec;

import java.io.IOException;

/**
 * A stored object is not what its manifest says. Each {@link Kind} is a different failure with its
 * own message, so an operator can tell a missing file from an altered one from a wrong key.
 */
public final class ObjectIntegrityException extends IOException {

  private static final long serialVersionUID = 1L;

  /** What is wrong with the object. */
  public enum Kind {
    /** The object is not in the store. */
    MISSING,
    /** The store holds fewer bytes than the manifest records. */
    TRUNCATED,
    /** The store holds more bytes than the manifest records. */
    OVERSIZED,
    /** Same size, different SHA-256: bytes were altered. */
    CORRUPTED,
    /** The bytes are intact but do not decrypt: another data key, or another object's bytes. */
    UNDECRYPTABLE,
    /** The bytes are intact and decrypt (or are not encrypted) but do not decompress. */
    UNDECODABLE
  }

  private final Kind kind;
  private final String key;

  public ObjectIntegrityException(Kind kind, String storeUrl, String key, String detail) {
    super("object '" + key + "' in " + storeUrl + " " + describe(kind) + ": " + detail);
    this.kind = kind;
    this.key = key;
  }

  public Kind kind() {
    return kind;
  }

  public String key() {
    return key;
  }

  private static String describe(Kind kind) {
    return switch (kind) {
      case MISSING -> "is missing";
      case TRUNCATED -> "is truncated";
      case OVERSIZED -> "is longer than recorded";
      case CORRUPTED -> "is corrupted (SHA-256 mismatch)";
      case UNDECRYPTABLE -> "does not decrypt with its backup's data key";
      case UNDECODABLE -> "does not decompress";
    };
  }
}
