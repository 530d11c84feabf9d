package dev.lifeboat.activities.codec.keys;

import java.io.IOException;

/** A data key cannot be had: shredded, wrapped by another KEK, or altered. */
public final class KeyUnavailableException extends IOException {

  private static final long serialVersionUID = 1L;

  public KeyUnavailableException(String message) {
    super(message);
  }

  public KeyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
