package dev.lifeboat.activities.storage.internal;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * The bucket and prefix of a {@code scheme://bucket/optional/prefix} destination, checked the same
 * way for every bucket-based backend; each backend brings its own bucket naming rule.
 *
 * @param bucket the bucket's name
 * @param prefix the folder inside the bucket
 */
public record BucketUrl(String bucket, ObjectPrefix prefix) {

  /**
   * Reads a destination URL.
   *
   * @param url the URL
   * @param scheme the expected scheme, e.g. {@code s3}
   * @param bucketRule the backend's bucket naming rule
   * @param ruleText the rule in words, for the error message
   * @throws IllegalArgumentException saying what is wrong and what shape is expected
   */
  public static BucketUrl parse(URI url, String scheme, Pattern bucketRule, String ruleText) {
    if (!scheme.equalsIgnoreCase(url.getScheme())) {
      throw malformed(url, scheme, "the scheme is not " + scheme);
    }
    if (url.isOpaque()) {
      throw malformed(url, scheme, "it has no '//' after the scheme");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw malformed(url, scheme, "it has a query or a fragment");
    }
    String bucket = url.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw malformed(url, scheme, "it names no bucket");
    }
    if (!bucketRule.matcher(bucket).matches()) {
      throw malformed(url, scheme, "'" + bucket + "' is not a bucket name (" + ruleText + ")");
    }
    try {
      return new BucketUrl(bucket, ObjectPrefix.fromUrlPath(url.getPath()));
    } catch (IllegalArgumentException e) {
      throw malformed(url, scheme, "its prefix is not valid: " + e.getMessage());
    }
  }

  private static IllegalArgumentException malformed(URI url, String scheme, String reason) {
    return new IllegalArgumentException(
        "backup destination '"
            + url
            + "' must look like "
            + scheme
            + "://bucket/optional/prefix: "
            + reason);
  }
}
