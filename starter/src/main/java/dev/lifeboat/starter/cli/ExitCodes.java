package dev.lifeboat.starter.cli;

/** The CLI's exit codes, the same for every command. */
public final class ExitCodes {

  /** The command did what was asked and found nothing wrong. */
  public static final int OK = 0;

  /** The command ran but the operation failed or found a problem (e.g. an unhealthy cluster). */
  public static final int FAILED = 1;

  /** The command could not run: bad arguments or bad configuration. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
