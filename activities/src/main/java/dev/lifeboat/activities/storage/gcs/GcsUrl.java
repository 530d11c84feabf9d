package dev.lifeboat.activities.storage.gcs;

import dev.lifeboat.activities.storage.internal.BucketUrl;
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
    BucketUrl parsed =
        BucketUrl.parse(url, "gs", BUCKET, "3-63 lowercase letters, digits, '-', '_', '.'");
    return new GcsUrl(parsed.bucket(), parsed.prefix());
  }
}
