package dev.lifeboat.activities.storage.gcs;

import com.google.cloud.storage.StorageException;
import dev.lifeboat.activities.storage.internal.StoreFailures;

/**
 * Finds the cause worth reporting in the Cloud Storage client's errors. A request that got no
 * answer at all (connection refused, reset, timeout) surfaces as a {@link StorageException} with
 * code 0 and the message "Unknown Error", often wrapped again in an {@link java.io.IOException};
 * the network error underneath is what an operator needs.
 */
final class GcsErrors {

  private GcsErrors() {}

  /** Returns the network error under a response-less failure, else the error itself. */
  static Throwable explain(Throwable error) {
    Throwable current = error;
    while (current.getCause() != null
        && (StoreFailures.isBareWrapper(current) || isWithoutResponse(current))) {
      current = current.getCause();
    }
    return current;
  }

  private static boolean isWithoutResponse(Throwable error) {
    return error instanceof StorageException storage && storage.getCode() == 0;
  }
}
