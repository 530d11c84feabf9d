package dev.lifeboat.activities.storage.s3;

import dev.lifeboat.activities.storage.internal.ObjectPrefix;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The parts of an {@code s3://bucket/optional/prefix} destination.
 *
 * @param bucket the bucket's name
 * @param prefix the folder inside the bucket; {@link ObjectPrefix#ROOT} for the whole bucket
 */
record S3Url(String bucket, ObjectPrefix prefix) {

  static final String SHAPE = "s3://bucket/optional/prefix";

  /** S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * Reads a destination URL.
   *
   * @throws IllegalArgumentException saying what is wrong and what shape is expected
   */
  static S3Url parse(URI url) {
    if (!"s3".equalsIgnoreCase(url.getScheme())) {
      throw malformed(url, "the scheme is not s3");
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
          url, "'" + bucket + "' is not a bucket name (3-63 lowercase letters, digits, '.', '-')");
    }
    try {
      return new S3Url(bucket, ObjectPrefix.fromUrlPath(url.getPath()));
    } catch (IllegalArgumentException e) {
      throw malformed(url, "its prefix is not valid: " + e.getMessage());
    }
  }

  private static IllegalArgumentException malformed(URI url, String reason) {
    return new IllegalArgumentException(
        "backup destination '" + url + "' must look like " + SHAPE + ": " + reason);
  }
}
