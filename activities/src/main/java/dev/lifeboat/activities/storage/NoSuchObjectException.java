package dev.lifeboat.activities.storage;

import java.io.FileNotFoundException;

/** Thrown when an object is opened that does not exist. */
public final class NoSuchObjectException extends FileNotFoundException {

  private static final long serialVersionUID = 1L;

  public NoSuchObjectException(String storeUrl, String key) {
    super("no object '" + key + "' in " + storeUrl);
  }
}
