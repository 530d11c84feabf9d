package dev.lifeboat.activities.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rewriting PgBouncer's [databases] entry keeps everything else, the mode, and is idempotent. */
class PgBouncerEntryTest {

  @TempDir Path dir;

  @Test
  void onlyTheDatabasesEntryChanges() throws IOException {
    Path ini = dir.resolve("pgbouncer.ini");
    Files.writeString(
        ini,
        """
        ;; comment
        [databases]
        other = host=10.0.0.9 port=5432
        shop = host=127.0.0.1 port=55432 dbname=shop

        [pgbouncer]
        listen_port = 6432
        """);
    Files.setPosixFilePermissions(ini, PosixFilePermissions.fromString("rw-------"));
    String entry = "shop = host=127.0.0.1 port=55433 dbname=shop";

    assertThat(PgBouncerEndpoint.rewriteDatabaseEntry(ini, "shop", entry)).isTrue();
    assertThat(PgBouncerEndpoint.rewriteDatabaseEntry(ini, "shop", entry)).isFalse();

    assertThat(Files.readAllLines(ini))
        .containsExactly(
            ";; comment",
            "[databases]",
            "other = host=10.0.0.9 port=5432",
            entry,
            "",
            "[pgbouncer]",
            "listen_port = 6432");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ini)))
        .isEqualTo("rw-------");
  }

  @Test
  void aMissingEntryIsAddedAndAMissingSectionIsAnError() throws IOException {
    Path ini = dir.resolve("a.ini");
    Files.writeString(ini, "[databases]\nother = host=x\n[pgbouncer]\n");
    PgBouncerEndpoint.rewriteDatabaseEntry(ini, "shop", "shop = host=y");
    assertThat(Files.readAllLines(ini))
        .containsExactly("[databases]", "other = host=x", "shop = host=y", "[pgbouncer]");

    Path none = dir.resolve("b.ini");
    Files.writeString(none, "[pgbouncer]\nlisten_port = 1\n");
    assertThatThrownBy(() -> PgBouncerEndpoint.rewriteDatabaseEntry(none, "shop", "shop = host=y"))
        .hasMessageContaining("has no [databases] section");
  }
}
