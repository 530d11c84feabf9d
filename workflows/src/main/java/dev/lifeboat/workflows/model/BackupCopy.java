package dev.lifeboat.workflows.model;

/**
 * One destination's copy of a backup.
 *
 * @param destination the destination's name
 * @param url where the copy is
 * @param complete whether the copy is sealed (its manifest is there and checksummed)
 * @param storedBytes bytes stored in this destination
 * @param objects objects stored, manifest not counted
 * @param error why the copy is missing, when it is
 */
public record BackupCopy(
    String destination, String url, boolean complete, long storedBytes, int objects, String error) {

  /** A copy that could not be made. */
  public static BackupCopy missing(String destination, String error) {
    return new BackupCopy(destination, null, false, 0, 0, error);
  }
}
