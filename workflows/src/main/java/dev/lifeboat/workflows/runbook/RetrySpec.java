package dev.lifeboat.workflows.runbook;

/**
 * How often a step is tried. The interpreter retries, not Temporal's activity retry, so every
 * attempt is counted in the step's status and an operator can see it.
 *
 * @param attempts how many attempts in all, at least 1
 * @param backoff the wait before the second attempt, doubled before each further one, for example
 *     {@code 5s}; null for 1 second
 */
public record RetrySpec(int attempts, String backoff) {}
