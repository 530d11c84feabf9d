package dev.lifeboat.activities.storage.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Builds the {@link IOException}s the object-store backends throw: one sentence that names the
 * operation, the key, the store URL and the cause, for example {@code upload of 'base/data' to
 * s3://bucket/prefix failed: Unable to execute HTTP request: Connection refused}.
 */
public final class StoreFailures {

  private StoreFailures() {}

  /** Writing an object failed. */
  public static IOException upload(String storeUrl, String key, Throwable cause) {
    return failure("upload of '" + key + "' to " + storeUrl, cause);
  }

  /** Reading an object failed. */
  public static IOException read(String storeUrl, String key, Throwable cause) {
    return failure("read of '" + key + "' from " + storeUrl, cause);
  }

  /** Reading an object's size and time failed. */
  public static IOException stat(String storeUrl, String key, Throwable cause) {
    return failure("stat of '" + key + "' in " + storeUrl, cause);
  }

  /** Listing objects failed. */
  public static IOException list(String storeUrl, String prefix, Throwable cause) {
    return failure("listing of '" + prefix + "' in " + storeUrl, cause);
  }

  /** Deleting an object failed. */
  public static IOException delete(String storeUrl, String key, Throwable cause) {
    return failure("deletion of '" + key + "' from " + storeUrl, cause);
  }

  private static IOException failure(String operation, Throwable cause) {
    Throwable root = unwrap(cause);
    return new IOException(operation + " failed: " + describe(root), root);
  }

  /**
   * Returns the first line of a cause's message, or its class name when it has none: SDK messages
   * can run over several lines (Azure prints the whole response), and one line reads best in logs
   * and workflow failures.
   */
  public static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    String firstLine = message.strip().lines().findFirst().orElse("").strip();
    return firstLine.isEmpty() ? cause.getClass().getSimpleName() : firstLine;
  }

  /**
   * Removes the wrappers that executors and reactive clients put around the real cause, and
   * exceptions made with {@code new X(cause)}, whose message is only the cause's {@code toString}.
   */
  private static Throwable unwrap(Throwable cause) {
    Throwable current = cause;
    while (current.getCause() != null && (isWrapperType(current) || isBareWrapper(current))) {
      current = current.getCause();
    }
    return current;
  }

  private static boolean isWrapperType(Throwable error) {
    return error instanceof ExecutionException
        || error instanceof CompletionException
        || error instanceof UncheckedIOException
        || error.getClass().getName().equals("reactor.core.Exceptions$ReactiveException");
  }

  /** Whether an exception says nothing of its own: no message, or just its cause's. */
  public static boolean isBareWrapper(Throwable error) {
    String message = error.getMessage();
    return error.getCause() != null
        && (message == null || message.equals(error.getCause().toString()));
  }
}
