package dev.lifeboat.activities.storage.azure;

import com.azure.storage.blob.models.BlobStorageException;
import java.io.IOException;

/**
 * Turns the Blob service's errors into causes that read well in one line. A {@link
 * BlobStorageException}'s own message opens with several lines of advice about logging the string
 * to sign and then the raw XML body; the status, the error code and the service's message are what
 * an operator needs.
 */
final class AzureErrors {

  private AzureErrors() {}

  /** Returns the cause to report: a one-line summary for service errors, else the error itself. */
  static Exception explain(RuntimeException error) {
    if (!(error instanceof BlobStorageException service)) {
      return error;
    }
    String message = service.getServiceMessage();
    String firstLine =
        message == null ? "" : message.strip().lines().findFirst().orElse("").strip();
    String summary =
        "HTTP "
            + service.getStatusCode()
            + (service.getErrorCode() == null ? "" : " " + service.getErrorCode())
            + (firstLine.isEmpty() ? "" : ": " + firstLine);
    return new IOException(summary, service);
  }
}
