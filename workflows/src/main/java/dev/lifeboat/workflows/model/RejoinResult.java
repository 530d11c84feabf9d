package dev.lifeboat.workflows.model;

/**
 * An old primary brought back as a standby of the new one.
 *
 * @param node the node
 * @param method {@code rewind} ({@code pg_rewind}), {@code basebackup} (a fresh copy, when rewind
 *     was impossible) or {@code none} (it already followed the primary)
 * @param millis how long it took until the node streamed
 * @param detail what the tools said, shortened
 */
public record RejoinResult(String node, String method, long millis, String detail) {}
