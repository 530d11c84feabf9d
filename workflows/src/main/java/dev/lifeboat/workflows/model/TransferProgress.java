package dev.lifeboat.workflows.model;

/**
 * The heartbeat details of a long backup activity, which the CLI reads to draw its progress bar.
 *
 * @param phase what is moving: {@code streaming}, {@code copying to s3}, {@code verifying}
 * @param bytesDone plain bytes read from PostgreSQL (streaming) or stored bytes moved (otherwise)
 * @param bytesEstimated the expected total, or 0 when unknown
 */
public record TransferProgress(String phase, long bytesDone, long bytesEstimated) {}
