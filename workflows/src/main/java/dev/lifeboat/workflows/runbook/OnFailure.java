package dev.lifeboat.workflows.runbook;

import java.util.Locale;

/** What a step's failure (after its last attempt) does to the run. */
public enum OnFailure {
  /** Wait for an operator's retry, skip or abort; abort when nobody decides in time. */
  ABORT,
  /** Record the failure and go on with the next step. */
  CONTINUE,
  /** Roll back the completed steps in reverse order and end the run. */
  ROLLBACK;

  /** The spelling used in YAML, for example {@code abort}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
