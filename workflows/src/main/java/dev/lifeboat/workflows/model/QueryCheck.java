package dev.lifeboat.workflows.model;

/**
 * What one configured validation query returned on a restored server.
 *
 * @param name the query's name from lifeboat.yaml
 * @param expected the value it had to return
 * @param actual what it returned ({@code null} for SQL NULL, {@code (no rows)} for no row), or the
 *     error when it could not run
 * @param passed whether {@code actual} equals {@code expected}
 */
public record QueryCheck(String name, String expected, String actual, boolean passed) {}
