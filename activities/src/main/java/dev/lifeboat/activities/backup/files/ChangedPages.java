package dev.lifeboat.activities.backup.files;

import java.util.concurrent.atomic.LongAdder;

/**
 * How an incremental's page deltas stored the pages that changed since its parent: whole, as
 * differences, or as patches ({@link PageRecords}). One instance is shared by the readers of a
 * backup and reported in its log line, so an operator can see why an incremental is the size it is.
 */
public final class ChangedPages {

  private final LongAdder whole = new LongAdder();
  private final LongAdder differences = new LongAdder();
  private final LongAdder aligned = new LongAdder();
  private final LongAdder patches = new LongAdder();
  private final LongAdder patchBytes = new LongAdder();

  void storedWhole() {
    whole.increment();
  }

  /**
   * @param aligned whether the difference was taken from the chain's page aligned to the new one
   *     ({@link AlignedPage})
   */
  void storedAsDifference(boolean aligned) {
    differences.increment();
    if (aligned) {
      this.aligned.increment();
    }
  }

  void storedAsPatch(int bytes) {
    patches.increment();
    patchBytes.add(bytes);
  }

  /** Pages stored whole. */
  public long whole() {
    return whole.sum();
  }

  /** Pages stored as differences from the parent chain's page. */
  public long differences() {
    return differences.sum();
  }

  /** Of the differences, those taken from the chain's page aligned to the new one. */
  public long alignedDifferences() {
    return aligned.sum();
  }

  /** Pages stored as patches of the parent chain's page. */
  public long patches() {
    return patches.sum();
  }

  @Override
  public String toString() {
    return whole()
        + " whole, "
        + differences()
        + " as differences ("
        + alignedDifferences()
        + " aligned), "
        + patches()
        + " as patches of "
        + patchBytes.sum()
        + " bytes";
  }
}
