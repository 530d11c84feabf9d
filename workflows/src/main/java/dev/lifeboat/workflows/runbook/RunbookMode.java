package dev.lifeboat.workflows.runbook;

import java.util.Locale;

/** How a run treats the world. */
public enum RunbookMode {
  /** Steps act for real. */
  LIVE,
  /** Every step only says what it would do ({@code plan()}); nothing changes. */
  DRY_RUN,
  /** Steps act for real, but only against a cluster marked {@code drill: true}. */
  PRACTICE;

  /** The spelling used on the command line, for example {@code dry-run}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses {@code live}, {@code dry-run} or {@code practice}. */
  public static RunbookMode parse(String text) {
    for (RunbookMode mode : values()) {
      if (mode.label().equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("mode '" + text + "' is not one of live, dry-run, practice");
  }
}
