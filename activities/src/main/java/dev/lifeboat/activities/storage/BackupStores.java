package dev.lifeboat.activities.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Opens a {@link BackupStore} for a destination URL, choosing the backend by its scheme. */
public final class BackupStores {

  private static final Map<String, BackupStoreProvider> PROVIDERS = load();

  private BackupStores() {}

  /**
   * Opens the store for a URL such as {@code file:///mnt/nas/backups}, {@code s3://bucket/prefix},
   * {@code gs://bucket/prefix} or {@code azblob://account/container/prefix}.
   *
   * @throws IllegalArgumentException when the URL is malformed or its scheme has no backend
   */
  public static BackupStore open(String url, StoreOptions options) throws IOException {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "backup destination '" + url + "' is not a valid URL: " + e.getReason(), e);
    }
    String scheme =
        uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    BackupStoreProvider provider = PROVIDERS.get(scheme);
    if (provider == null) {
      throw new IllegalArgumentException(
          "backup destination '"
              + url
              + "' has no supported scheme; use one of "
              + PROVIDERS.keySet().stream().map(s -> s + "://").toList());
    }
    return provider.open(uri, options);
  }

  /** Returns the schemes with a backend on the class path. */
  public static java.util.Set<String> schemes() {
    return PROVIDERS.keySet();
  }

  private static Map<String, BackupStoreProvider> load() {
    Map<String, BackupStoreProvider> providers = new TreeMap<>();
    for (BackupStoreProvider provider :
        ServiceLoader.load(BackupStoreProvider.class, BackupStores.class.getClassLoader())) {
      providers.put(provider.scheme(), provider);
    }
    return java.util.Collections.unmodifiableMap(providers);
  }
}
