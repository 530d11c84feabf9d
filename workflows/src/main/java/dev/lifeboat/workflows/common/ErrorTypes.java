package dev.lifeboat.workflows.common;

/**
 * Types of non-retryable application failures. Each names a mistake a user must fix before a retry
 * can help; the failure message says what was wrong and where.
 */
public final class ErrorTypes {

  /** The request names a cluster that lifeboat.yaml does not define. */
  public static final String UNKNOWN_CLUSTER = "UnknownCluster";

  /** A request field is missing or malformed. */
  public static final String INVALID_REQUEST = "InvalidRequest";

  /** A secret named in the configuration cannot be resolved on the worker. */
  public static final String MISSING_SECRET = "MissingSecret";

  private ErrorTypes() {}
}
