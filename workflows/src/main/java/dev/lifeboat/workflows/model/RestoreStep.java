package dev.lifeboat.workflows.model;

/**
 * What one restore step did.
 *
 * @param seconds how long it took
 * @param bytes bytes it read or wrote, 0 when not applicable
 * @param count objects, segments or tables it handled
 * @param detail a sentence about its outcome
 */
public record RestoreStep(double seconds, long bytes, long count, String detail) {}
