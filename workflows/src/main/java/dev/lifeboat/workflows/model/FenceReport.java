package dev.lifeboat.workflows.model;

/**
 * What fencing one layer did. Fencing is best effort: a layer that could not act says why, and the
 * failover goes on with the others.
 *
 * @param layer what was fenced, for example {@code writes on sydney} or {@code pgbouncer}
 * @param done whether the layer took effect
 * @param detail what was done, or why not
 */
public record FenceReport(String layer, boolean done, String detail) {}
