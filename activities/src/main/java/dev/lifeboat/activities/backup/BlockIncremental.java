package dev.lifeboat.activities.backup;

import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.failure.ApplicationFailure;

/**
 * What a block-level stream incremental ({@code pg_basebackup --incremental}, PostgreSQL 17 and
 * newer) needs from the server and from its parent, and the refusals that say what to change when
 * something is missing. The server keeps WAL summaries ({@code summarize_wal}), and pg_basebackup
 * sends only the blocks they say changed since the parent's {@code backup_manifest}.
 */
final class BlockIncremental {

  /** The first release with {@code pg_basebackup --incremental}. */
  static final int FIRST_VERSION_NUM = 170000;

  /** The object of a stream backup that holds pg_basebackup's own {@code backup_manifest}. */
  static final String MANIFEST_OBJECT = "backup_manifest";

  /** The largest backup_manifest kept from the tar: about 200 bytes per file of the cluster. */
  static final int MANIFEST_LIMIT = 256 * 1024 * 1024;

  private BlockIncremental() {}

  /** What the server said about itself. */
  record Server(int versionNum, String version, String summarizeWal) {

    int major() {
      return versionNum / 10000;
    }
  }

  /**
   * Why the server cannot give a block-level incremental, or null when it can.
   *
   * @param node the node's name, for the message
   */
  static ApplicationFailure refusal(Server server, String node) {
    if (server.versionNum() < FIRST_VERSION_NUM) {
      return ApplicationFailure.newNonRetryableFailure(
          "node "
              + node
              + " runs PostgreSQL "
              + server.version()
              + ": block-level incremental backups (pg_basebackup --incremental) need PostgreSQL 17"
              + " or newer; use --source files for an incremental of this server (lifeboat backup"
              + " incremental --source files)",
          ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED);
    }
    if (!"on".equalsIgnoreCase(server.summarizeWal())) {
      return ApplicationFailure.newNonRetryableFailure(
          "node "
              + node
              + " has summarize_wal = "
              + (server.summarizeWal() == null ? "(unset)" : server.summarizeWal())
              + ": a block-level incremental needs the server's WAL summaries; set summarize_wal"
              + " = on (ALTER SYSTEM SET summarize_wal = on; SELECT pg_reload_conf(); no restart"
              + " needed), then take a new full backup with --source stream to build on",
          ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED);
    }
    return null;
  }

  /**
   * Why {@code parent} cannot be the parent of a stream incremental, or null when it can: it must
   * be a stream backup (full or incremental) that kept its {@code backup_manifest}.
   */
  static ApplicationFailure parentRefusal(Manifest parent, String backupId) {
    if (!Manifest.METHOD_STREAM.equals(parent.method())) {
      return ApplicationFailure.newNonRetryableFailure(
          "backup "
              + parent.backupId()
              + " was taken with the "
              + parent.method()
              + " source, so it cannot be the parent of stream incremental "
              + backupId
              + ": a block-level incremental builds on a stream backup; take a full one first"
              + " (lifeboat backup full --source stream), or take this incremental with --source"
              + " files",
          ErrorTypes.PARENT_NOT_USABLE);
    }
    boolean kept = parent.objects().stream().anyMatch(o -> o.path().equals(MANIFEST_OBJECT));
    if (!kept) {
      return ApplicationFailure.newNonRetryableFailure(
          "stream backup "
              + parent.backupId()
              + " has no backup_manifest object (it was taken before Lifeboat kept"
              + " pg_basebackup's manifest), so no incremental can build on it: take a new full"
              + " backup with --source stream",
          ErrorTypes.PARENT_NOT_USABLE);
    }
    return null;
  }
}
