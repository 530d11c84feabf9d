package dev.lifeboat.workflows.model;

/**
 * The result of {@code RestoreWorkflow}: times per phase, bytes, throughput and validation.
 *
 * @param plan what was restored from where
 * @param directory the new data directory
 * @param port where the restored server listens (it keeps running)
 * @param layout laying out the data directory (fetch, verify, decrypt, decompress, write)
 * @param wal staging the archived WAL the recovery replays
 * @param recovery where recovery ended
 * @param validation the checks run on the restored server and what failed
 * @param totalSeconds from the workflow's start to its end
 */
public record RestoreReport(
    RestorePlan plan,
    String directory,
    int port,
    RestoreStep layout,
    RestoreStep wal,
    RecoveryOutcome recovery,
    ValidationOutcome validation,
    double totalSeconds) {

  /** Whether every validation passed. */
  public boolean proven() {
    return validation.problems().isEmpty();
  }

  /** Layout throughput in MB/s. */
  public double layoutMegabytesPerSecond() {
    return layout.seconds() <= 0 ? 0 : layout.bytes() / 1e6 / layout.seconds();
  }
}
