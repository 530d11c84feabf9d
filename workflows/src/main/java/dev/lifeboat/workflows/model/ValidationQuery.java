package dev.lifeboat.workflows.model;

/**
 * A check run on every restored server of a cluster: a query whose first column of its first row
 * must equal an expected value. Configured in lifeboat.yaml under {@code
 * restore.validation.<cluster>}.
 *
 * @param name what the check proves, named in the report and in a failure
 * @param sql a read-only query; only the first column of the first row is compared
 * @param expect the expected value as text: {@code 0}, {@code true}, {@code EUR}; a boolean
 *     compares as {@code true}/{@code false}, SQL NULL as {@code null}, no row as {@code (no rows)}
 */
public record ValidationQuery(String name, String sql, String expect) {}
