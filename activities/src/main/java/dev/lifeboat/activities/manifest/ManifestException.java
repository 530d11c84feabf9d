package dev.lifeboat.activities.manifest;

import java.io.IOException;

/** A backup has no usable manifest, so it is not a backup. */
public final class ManifestException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Why the manifest cannot be used. */
  public enum Kind {
    /** There is no manifest: the backup never finished, or the id is wrong. */
    MISSING,
    /** The manifest is there but its checksum is not: it was never sealed. */
    UNSEALED,
    /** The manifest's bytes do not match its checksum. */
    CORRUPTED,
    /** The manifest does not parse, or misses required fields. */
    UNREADABLE,
    /** The manifest was written by a newer format this Lifeboat does not know. */
    UNSUPPORTED
  }

  private final Kind kind;

  public ManifestException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public ManifestException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
