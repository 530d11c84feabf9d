package dev.lifeboat.activities.storage;

/** Receives the running total of bytes a transfer has moved, so long activities can heartbeat. */
@FunctionalInterface
public interface ProgressListener {

  /** A listener that ignores progress. */
  ProgressListener NONE = bytes -> {};

  /**
   * Called as a transfer advances; may be called from an upload thread.
   *
   * @param totalBytes bytes transferred so far
   */
  void bytesTransferred(long totalBytes);
}
