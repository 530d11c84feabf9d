package dev.lifeboat.starter.cli;

import dev.lifeboat.workflows.model.TransferProgress;
import java.io.PrintStream;
import java.util.Optional;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr drawn from an activity's heartbeat details: created when the first
 * estimate arrives, moved with each poll, closed when the phase changes.
 */
final class TransferBar implements AutoCloseable {

  private final PrintStream out;
  private ProgressBar bar;

  /** A bar on stderr. */
  TransferBar() {
    this(System.err);
  }

  /** A bar drawn on {@code out}. */
  TransferBar(PrintStream out) {
    this.out = out;
  }

  /** Moves the bar to the activity's latest progress, if it has an estimate. */
  void show(Optional<TransferProgress> transfer) {
    if (transfer.isEmpty() || transfer.get().bytesEstimated() <= 0) {
      return;
    }
    TransferProgress progress = transfer.get();
    if (bar == null) {
      bar =
          new ProgressBarBuilder()
              .setTaskName(progress.phase())
              .setInitialMax(progress.bytesEstimated())
              .setUnit(" MB", 1_000_000)
              .setStyle(ProgressBarStyle.ASCII)
              .setConsumer(new ConsoleProgressBarConsumer(out))
              .build();
    }
    bar.maxHint(Math.max(progress.bytesEstimated(), progress.bytesDone()));
    bar.stepTo(progress.bytesDone());
  }

  /** Ends the current bar; the next progress starts a new one. */
  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
