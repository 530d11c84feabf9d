package dev.lifeboat.workflows.model;

/**
 * A standby's promotion.
 *
 * @param node the promoted node
 * @param lsn its write position once it accepted writes
 * @param timeline its new timeline
 * @param millis from the promotion call until a write committed
 * @param alreadyPrimary whether it already was a primary (a retried promotion)
 */
public record PromotionResult(
    String node, String lsn, long timeline, long millis, boolean alreadyPrimary) {}
