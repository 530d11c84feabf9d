package dev.lifeboat.activities.manifest;

import java.util.List;

/**
 * What a files backup found when it verified the data page checksums of the relation pages it
 * stored (a cluster initialised with data checksums).
 *
 * @param verifiedPages pages whose checksum was computed
 * @param failedPages pages whose checksum did not match, twice
 * @param failures the first failed pages (at most 100), each as {@code path block N}, the block
 *     counted within that file
 */
public record PageChecksumReport(long verifiedPages, long failedPages, List<String> failures) {

  public PageChecksumReport {
    failures = failures == null ? List.of() : List.copyOf(failures);
  }

  /** One line for listings: {@code 151,230 pages verified, none failed}. */
  public String summary() {
    return String.format(
            java.util.Locale.ROOT,
            "%,d pages verified, %s failed",
            verifiedPages,
            failedPages == 0 ? "none" : String.format(java.util.Locale.ROOT, "%,d", failedPages))
        + (failures.isEmpty() ? "" : ": " + String.join(", ", failures));
  }

  /** The first five failed pages, comma-separated, for one-line messages. */
  public String firstFailures() {
    return String.join(", ", failures.subList(0, Math.min(5, failures.size())));
  }

  /** The warning a backup with failed pages reports, or null when every page verified. */
  public String warning() {
    if (failedPages == 0) {
      return null;
    }
    return failedPages
        + " data page(s) failed checksum verification and were backed up as the disk holds them"
        + " (first: "
        + firstFailures()
        + "); the disk or the server's storage is corrupting data: check it, and see"
        + " 'lifeboat backup show' for the list";
  }
}
