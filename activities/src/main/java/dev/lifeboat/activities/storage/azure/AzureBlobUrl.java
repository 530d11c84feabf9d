package dev.lifeboat.activities.storage.azure;

import dev.lifeboat.activities.storage.internal.ObjectPrefix;
import java.net.URI;
import java.util.regex.Pattern;

/**
 * The parts of an {@code azblob://account/container/optional/prefix} destination.
 *
 * @param account the storage account's name
 * @param container the blob container's name
 * @param prefix the folder inside the container; {@link ObjectPrefix#ROOT} for all of it
 */
record AzureBlobUrl(String account, String container, ObjectPrefix prefix) {

  static final String SHAPE = "azblob://account/container/optional/prefix";

  /** Storage account names: 3 to 24 lowercase letters and digits. */
  private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9]{3,24}");

  /**
   * Container names: 3 to 63 lowercase letters, digits and single hyphens, starting and ending with
   * a letter or digit.
   */
  private static final Pattern CONTAINER = Pattern.compile("(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*");

  /**
   * Reads a destination URL.
   *
   * @throws IllegalArgumentException saying what is wrong and what shape is expected
   */
  static AzureBlobUrl parse(URI url) {
    if (!"azblob".equalsIgnoreCase(url.getScheme())) {
      throw malformed(url, "the scheme is not azblob");
    }
    if (url.isOpaque()) {
      throw malformed(url, "it has no '//' after the scheme");
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw malformed(url, "it has a query or a fragment");
    }
    String account = url.getRawAuthority();
    if (account == null || account.isEmpty()) {
      throw malformed(url, "it names no storage account");
    }
    if (!ACCOUNT.matcher(account).matches()) {
      throw malformed(
          url, "'" + account + "' is not a storage account name (3-24 lowercase letters, digits)");
    }
    String path = url.getPath() == null ? "" : url.getPath();
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    int slash = path.indexOf('/');
    String container = slash < 0 ? path : path.substring(0, slash);
    if (container.isEmpty()) {
      throw malformed(url, "it names no container");
    }
    if (!CONTAINER.matcher(container).matches()) {
      throw malformed(
          url,
          "'"
              + container
              + "' is not a container name (3-63 lowercase letters, digits, single '-')");
    }
    try {
      return new AzureBlobUrl(
          account, container, ObjectPrefix.fromUrlPath(slash < 0 ? "" : path.substring(slash)));
    } catch (IllegalArgumentException e) {
      throw malformed(url, "its prefix is not valid: " + e.getMessage());
    }
  }

  private static IllegalArgumentException malformed(URI url, String reason) {
    return new IllegalArgumentException(
        "backup destination '" + url + "' must look like " + SHAPE + ": " + reason);
  }
}
