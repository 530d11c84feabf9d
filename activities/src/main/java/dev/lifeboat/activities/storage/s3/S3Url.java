package dev.lifeboat.activities.storage.s3;

import dev.lifeboat.activities.storage.internal.BucketUrl;
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

  /** S3's bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /**
   * Reads a destination URL.
   *
   * @throws IllegalArgumentException saying what is wrong and what shape is expected
   */
  static S3Url parse(URI url) {
    BucketUrl parsed =
        BucketUrl.parse(url, "s3", BUCKET, "3-63 lowercase letters, digits, '.', '-'");
    return new S3Url(parsed.bucket(), parsed.prefix());
  }
}
