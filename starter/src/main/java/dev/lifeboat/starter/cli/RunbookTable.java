package dev.lifeboat.starter.cli;

import dev.lifeboat.workflows.runbook.StepStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Prints a run's steps as a table: status, attempts, start, duration, and what each said. */
final class RunbookTable {

  private RunbookTable() {}

  static void print(PrintWriter out, List<StepStatus> steps) {
    out.printf(
        Locale.ROOT,
        "  %-32s %-17s %3s  %-8s %8s  %s%n",
        "STEP",
        "STATUS",
        "TRY",
        "START",
        "TOOK",
        "DETAIL");
    for (StepStatus step : steps) {
      out.printf(
          Locale.ROOT,
          "  %-32s %-17s %3d  %-8s %8s  %s%n",
          step.id(),
          step.status(),
          step.attempts(),
          clock(step.startedAt()),
          took(step),
          detail(step));
    }
    out.flush();
  }

  static String took(StepStatus step) {
    if (step.startedAt() == null || step.endedAt() == null) {
      return "";
    }
    Duration took =
        Duration.between(Instant.parse(step.startedAt()), Instant.parse(step.endedAt()));
    long millis = took.toMillis();
    return millis < 10_000
        ? String.format(Locale.ROOT, "%.1fs", millis / 1000.0)
        : String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, (millis / 1000) % 60);
  }

  private static String clock(String iso) {
    return iso == null ? "" : iso.substring(11, 19);
  }

  static String detail(StepStatus step) {
    String text = step.error() != null ? step.error() : step.output();
    if (StepStatus.WAITING_APPROVAL.equals(step.status()) && step.approvalHash() != null) {
      text = step.output() + "; approve with --hash " + step.approvalHash();
    }
    if (text == null) {
      return "";
    }
    String line = text.strip().replace('\n', ' ');
    if (StepStatus.WAITING_APPROVAL.equals(step.status())) {
      return line; // the hash must be shown whole
    }
    return line.length() <= 100 ? line : line.substring(0, 97) + "...";
  }
}
