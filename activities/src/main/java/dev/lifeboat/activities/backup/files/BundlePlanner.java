package dev.lifeboat.activities.backup.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Packs sources into bundles of about a target size, in path order so that a table's files stay
 * together. Small files share a bundle (one object per 8 KB file would make a store's per-object
 * cost dominate); a file as large as the target gets a bundle of its own.
 */
public final class BundlePlanner {

  /**
   * One bundle to write.
   *
   * @param object its object path in the backup, such as {@code bundles/000001}
   * @param sources what it holds, in order
   */
  public record Bundle(String object, List<BundleSource> sources) {

    /** Bytes it is expected to read from disk. */
    public long estimatedBytes() {
      return sources.stream().mapToLong(BundleSource::estimatedBytes).sum();
    }
  }

  private BundlePlanner() {}

  /** Plans the bundles for the sources, numbering them from {@code firstNumber}. */
  public static List<Bundle> plan(List<BundleSource> sources, long targetBytes, int firstNumber) {
    if (targetBytes <= 0) {
      throw new IllegalArgumentException("the bundle size must be positive");
    }
    List<Bundle> bundles = new ArrayList<>();
    List<BundleSource> open = new ArrayList<>();
    long openBytes = 0;
    int number = firstNumber;
    for (BundleSource source : sources) {
      if (source.estimatedBytes() >= targetBytes) {
        bundles.add(new Bundle(name(number++), List.of(source)));
        continue;
      }
      open.add(source);
      openBytes += source.estimatedBytes();
      if (openBytes >= targetBytes) {
        bundles.add(new Bundle(name(number++), List.copyOf(open)));
        open.clear();
        openBytes = 0;
      }
    }
    if (!open.isEmpty()) {
      bundles.add(new Bundle(name(number), List.copyOf(open)));
    }
    return bundles;
  }

  private static String name(int number) {
    return String.format(Locale.ROOT, "bundles/%06d", number);
  }
}
