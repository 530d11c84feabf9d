package dev.lifeboat.activities.storage.gcs;

import dev.lifeboat.activities.storage.internal.ObjectPrefix;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The parts of a {@code gs://bucket/optional/prefix} destination.
 *
 * @param bucket the bucket's name
 * @param prefix the folder inside the bucket; {@link ObjectPrefix#ROOT} for the whole bucket
 */
record GcsUrl(String bucket, ObjectPrefix prefix) {

  static final String SHAPE = "gs://bucket/optional/prefix";

  /**
   * Cloud Storage's bucket naming rules: lowercase letters, digits, '-', '_' and '.', starting and
   * ending with a letter or digit; 3 to 63 characters, or up to 222 in dot-separated names whose
   * parts have at most 63.
   */
  private static final Pattern BUCKET =
      Pattern.compile(
          "(?=.{3,222}$)[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*");

  /**
   * Reads a destination URL.
   *
   * @throws IllegalArgumentException saying what is wrong and what shape is expected
   */
  static GcsUrl parse(URI url) {
    if (!"gs".equalsIgnoreCase(url.getScheme())) {
      throw malformed(url, "the scheme is not gs");
    }
    if (url.isOpaque()) {
      throw malformed(url, "it has no '//' after the scheme");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw malformed(url, "it has a query or a fragment");
    }
    String bucket = url.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw malformed(url, "it names no bucket");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw malformed(
          url,
          "'" + bucket + "' is not a bucket name (3-63 lowercase letters, digits, '-', '_', '.')");
    }
    try {
      return new GcsUrl(bucket, ObjectPrefix.fromUrlPath(url.getPath()));
    } catch (IllegalArgumentException e) {
      throw malformed(url, "its prefix is not valid: " + e.getMessage());
    }
  }

  private static IllegalArgumentException malformed(URI url, String reason) {
    return new IllegalArgumentException(
        "backup destination '" + url + "' must look like " + SHAPE + ": " + reason);
  }
}
