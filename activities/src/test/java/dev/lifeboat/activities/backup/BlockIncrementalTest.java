package dev.lifeboat.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.manifest.BackupType;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlockIncrementalTest {

  @Test
  void postgres15IsToldToUseTheFilesSource() {
    ApplicationFailure refusal =
        BlockIncremental.refusal(new BlockIncremental.Server(150018, "15.18", null), "sydney");

    assertThat(refusal.getType()).isEqualTo(ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED);
    assertThat(refusal.isNonRetryable()).isTrue();
    assertThat(refusal.getOriginalMessage())
        .isEqualTo(
            "node sydney runs PostgreSQL 15.18: block-level incremental backups (pg_basebackup"
                + " --incremental) need PostgreSQL 17 or newer; use --source files for an"
                + " incremental of this server (lifeboat backup incremental --source files)");
  }

  @Test
  void walSummariesOffNamesTheSettingToChange() {
    ApplicationFailure refusal =
        BlockIncremental.refusal(new BlockIncremental.Server(180006, "18.6", "off"), "east");

    assertThat(refusal.getType()).isEqualTo(ErrorTypes.BLOCK_INCREMENTAL_UNSUPPORTED);
    assertThat(refusal.getOriginalMessage())
        .contains("node east has summarize_wal = off")
        .contains("set summarize_wal = on")
        .contains("ALTER SYSTEM SET summarize_wal = on; SELECT pg_reload_conf()")
        .contains("take a new full backup with --source stream");
  }

  @Test
  void postgres17And18WithSummariesAreFine() {
    assertThat(BlockIncremental.refusal(new BlockIncremental.Server(170000, "17.0", "on"), "a"))
        .isNull();
    assertThat(BlockIncremental.refusal(new BlockIncremental.Server(180006, "18.6", "on"), "a"))
        .isNull();
    assertThat(new BlockIncremental.Server(180006, "18.6", "on").major()).isEqualTo(18);
  }

  @Test
  void aFilesParentIsRefusedWithBothWaysOut() {
    ApplicationFailure refusal =
        BlockIncremental.parentRefusal(
            manifest("20261125T100000Z-full", Manifest.METHOD_FILES, List.of()), "B");

    assertThat(refusal.getType()).isEqualTo(ErrorTypes.PARENT_NOT_USABLE);
    assertThat(refusal.getOriginalMessage())
        .contains("backup 20261125T100000Z-full was taken with the files source")
        .contains("lifeboat backup full --source stream")
        .contains("with --source files");
  }

  @Test
  void aStreamParentWithoutItsBackupManifestIsRefused() {
    assertThat(
            BlockIncremental.parentRefusal(
                    manifest("P", Manifest.METHOD_STREAM, List.of("base.tar")), "B")
                .getOriginalMessage())
        .contains("has no backup_manifest object")
        .contains("take a new full backup with --source stream");
    assertThat(
            BlockIncremental.parentRefusal(
                manifest("P", Manifest.METHOD_STREAM, List.of("base.tar", "backup_manifest")), "B"))
        .isNull();
  }

  @Test
  void theIncrementalCommandLinePassesTheParentsManifest() {
    NodeSpec node =
        new NodeSpec("east", "east", 100, 1, "127.0.0.1", 5433, "shop", "postgres", "pg");

    List<String> command =
        BaseBackupStream.command(
            Path.of("/x/pg18/bin/pg_basebackup"), node, "50M", Path.of("/tmp/parent.manifest"));

    assertThat(command)
        .containsExactly(
            "/x/pg18/bin/pg_basebackup",
            "--host=127.0.0.1",
            "--port=5433",
            "--username=postgres",
            "--pgdata=-",
            "--format=tar",
            "--wal-method=fetch",
            "--checkpoint=fast",
            "--no-password",
            "--verbose",
            "--max-rate=50M",
            "--incremental=/tmp/parent.manifest");
    assertThat(BaseBackupStream.command(Path.of("pg_basebackup"), node, null, null))
        .noneMatch(arg -> arg.startsWith("--incremental") || arg.startsWith("--max-rate"));
  }

  private static Manifest manifest(String id, String method, List<String> objects) {
    return new Manifest(
        Manifest.FORMAT_VERSION,
        id,
        "shop",
        BackupType.FULL,
        null,
        "18.6",
        "1",
        1,
        "0/2000028",
        "0/2000100",
        Instant.EPOCH,
        Instant.EPOCH,
        "zstd",
        3,
        null,
        objects.stream().map(BlockIncrementalTest::object).toList(),
        Map.of(),
        "test",
        Instant.EPOCH,
        method,
        List.of(),
        List.of(),
        null);
  }

  private static StoredObject object(String path) {
    return new StoredObject(path, 1, 1, "00", "zstd", false);
  }
}
