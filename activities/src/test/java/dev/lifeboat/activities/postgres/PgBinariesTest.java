package dev.lifeboat.activities.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PgBinariesTest {

  @TempDir Path dir;

  @Test
  void theMajorVersionIsReadFromAProgramsVersionLine() {
    assertThat(PgBinaries.majorOf("pg_basebackup (PostgreSQL) 18.6")).isEqualTo(18);
    assertThat(PgBinaries.majorOf("pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"))
        .isEqualTo(15);
    assertThat(PgBinaries.majorOf("postgres (PostgreSQL) 17beta1")).isEqualTo(17);
    assertThat(PgBinaries.majorOf("pg_ctl (PostgreSQL) 9.6.24")).isEqualTo(906);
    assertThat(PgBinaries.majorOf("bash: pg_ctl: command not found")).isEqualTo(-1);
    assertThat(PgBinaries.majorOf(null)).isEqualTo(-1);
  }

  @Test
  void theServerVersionNumberGivesTheMajorVersion() {
    assertThat(PgBinaries.majorOfServer(180006)).isEqualTo(18);
    assertThat(PgBinaries.majorOfServer(150018)).isEqualTo(15);
  }

  @Test
  void foldersComeInOrderVariablesDebianToolsThenPath() throws Exception {
    Path checkout = Files.createDirectories(dir.resolve("checkout"));
    Files.createDirectories(checkout.resolve(".tools"));
    Path module = Files.createDirectories(checkout.resolve("worker"));

    List<Path> folders =
        PgBinaries.folders(
            18,
            Map.of(
                "LIFEBOAT_PG18_BIN", "/opt/pg18/bin",
                "LIFEBOAT_PG_BIN", "/opt/pg/bin",
                "PATH", "/usr/local/bin:/usr/bin:/usr/lib/postgresql/18/bin"),
            module);

    assertThat(folders)
        .containsExactly(
            Path.of("/opt/pg18/bin"),
            Path.of("/opt/pg/bin"),
            Path.of("/usr/lib/postgresql/18/bin"),
            checkout.resolve(".tools/pg18/bin"),
            Path.of("/usr/local/bin"),
            Path.of("/usr/bin"));
  }

  @Test
  void lifeboatToolsNamesTheToolsFolder() {
    assertThat(PgBinaries.folders(17, Map.of("LIFEBOAT_TOOLS", "/srv/tools"), dir))
        .containsExactly(Path.of("/usr/lib/postgresql/17/bin"), Path.of("/srv/tools/pg17/bin"));
  }

  @Test
  void theMissingMessageSaysWhereItLookedAndHowToInstall() {
    String message =
        PgBinaries.missingMessage(
            18,
            "pg_combinebackup",
            List.of(Path.of("/usr/lib/postgresql/18/bin"), Path.of("/w/.tools/pg18/bin")));

    assertThat(message)
        .startsWith("pg_combinebackup of PostgreSQL 18 is not installed on this worker")
        .contains("looked in /usr/lib/postgresql/18/bin, /w/.tools/pg18/bin")
        .contains("scripts/install.sh pg18")
        .contains("postgresql-client-18")
        .contains("LIFEBOAT_PG18_BIN");
  }

  @Test
  void aDataDirectorysVersionComesFromPgVersion() throws Exception {
    Files.writeString(dir.resolve("PG_VERSION"), "18\n");
    assertThat(PgBinaries.majorOfDataDirectory(dir)).hasValue(18);
    assertThat(PgBinaries.majorOfDataDirectory(dir.resolve("missing"))).isEmpty();
  }

  @Test
  void aProgramWhoseVersionIsAnotherMajorIsNotFound() throws Exception {
    // PATH is searched too, but nothing there answers --version with 1 as major version.
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> PgBinaries.find(1, "pg_basebackup")))
        .isInstanceOf(PgBinaries.MissingException.class)
        .hasMessageContaining("pg_basebackup of PostgreSQL 1 is not installed");
  }
}
