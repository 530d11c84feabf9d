package dev.lifeboat.config;

import dev.lifeboat.workflows.model.ValidationQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code restore} section of lifeboat.yaml: how hard a restore may push the restoring host's
 * disk, and the checks every restored server of a cluster must pass.
 *
 * <pre>
 * restore:
 *   writers: 4          # bundles fetched, verified, decrypted and written at once
 *   maxRate: 200M       # RESTORE_MAX_RATE; kilobytes per second, or with k or M
 *   validation:
 *     shop:
 *       - name: every listing has its property
 *         sql: SELECT count(*) FROM listings l LEFT JOIN properties p ON p.id = l.property_id
 *              WHERE p.id IS NULL
 *         expect: 0
 * </pre>
 *
 * @param writers bundles a restore lays out at once
 * @param maxRate the cap on the bytes a restore writes per second, as configured ({@code 50M}), or
 *     null for none
 * @param validation validation queries by cluster name
 */
public record RestoreSettings(
    int writers, String maxRate, Map<String, List<ValidationQuery>> validation) {

  /** Bundles written at once unless configured. */
  public static final int DEFAULT_WRITERS = 4;

  /** What a configuration without a {@code restore} section means. */
  public static final RestoreSettings DEFAULTS =
      new RestoreSettings(DEFAULT_WRITERS, null, Map.of());

  public RestoreSettings {
    Map<String, List<ValidationQuery>> copy = new LinkedHashMap<>();
    validation.forEach((cluster, queries) -> copy.put(cluster, List.copyOf(queries)));
    validation = java.util.Collections.unmodifiableMap(copy);
  }

  /** The validation queries of one cluster; empty when none are configured. */
  public List<ValidationQuery> validation(String cluster) {
    return validation.getOrDefault(cluster, List.of());
  }

  /** The write cap in bytes per second, or 0 for none. */
  public long maxBytesPerSecond() {
    return maxRate == null ? 0 : parseRate(maxRate);
  }

  /** {@code 500} and {@code 500k} are kilobytes per second, {@code 50M} megabytes per second. */
  static long parseRate(String rate) {
    String text = rate.strip();
    if (text.endsWith("M")) {
      return Long.parseLong(text.substring(0, text.length() - 1)) * 1024 * 1024;
    }
    if (text.endsWith("k")) {
      return Long.parseLong(text.substring(0, text.length() - 1)) * 1024;
    }
    return Long.parseLong(text) * 1024;
  }
}
