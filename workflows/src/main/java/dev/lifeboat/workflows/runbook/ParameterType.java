package dev.lifeboat.workflows.runbook;

import java.util.Locale;

/** The types a runbook parameter may have; YAML spells them in lower case. */
public enum ParameterType {
  STRING,
  INT,
  BOOL,
  DURATION;

  /** The spelling used in YAML, for example {@code int}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
