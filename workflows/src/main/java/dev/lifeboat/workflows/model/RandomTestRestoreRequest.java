package dev.lifeboat.workflows.model;

/**
 * Input of {@code RandomTestRestoreWorkflow}. As JSON: {@code {"cluster": "shop", "directory":
 * "/var/tmp/lifeboat-restore-test-random-shop", "port": 55496}}.
 *
 * @param cluster the cluster whose backups are tested
 * @param destination the destination to restore from; null for the first configured
 * @param directory the scratch data directory (removed at the end)
 * @param port the scratch server's port
 */
public record RandomTestRestoreRequest(
    String cluster, String destination, String directory, int port) {}
