package dev.lifeboat.activities.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarMemberTapTest {

  @TempDir Path dir;
  private byte[] manifest;

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("base/5"));
    byte[] relation = new byte[3 * 8192 + 17];
    new Random(7).nextBytes(relation);
    Files.write(dir.resolve("base/5/16384"), relation);
    Files.writeString(dir.resolve("PG_VERSION"), "18\n");
    Files.write(dir.resolve("empty"), new byte[0]);
    manifest =
        "{ \"PostgreSQL-Backup-Manifest-Version\": 2, \"Files\": [] }\n"
            .repeat(40)
            .getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve("backup_manifest"), manifest);
  }

  @Test
  void theMemberIsKeptAndEveryByteIsPassedThrough() throws Exception {
    byte[] tar = tar("PG_VERSION", "base", "empty", "backup_manifest");

    TarMemberTap tap =
        new TarMemberTap(new ByteArrayInputStream(tar), "backup_manifest", 1024 * 1024);
    byte[] passed = readInOddChunks(tap);

    assertThat(passed).isEqualTo(tar);
    assertThat(tap.member()).hasValueSatisfying(m -> assertThat(m).isEqualTo(manifest));
  }

  @Test
  void aMemberInTheMiddleIsFoundToo() throws Exception {
    TarMemberTap tap =
        new TarMemberTap(
            new ByteArrayInputStream(tar("backup_manifest", "base", "PG_VERSION")),
            "backup_manifest",
            1024 * 1024);
    tap.transferTo(OutputStreamSink.INSTANCE);

    assertThat(tap.member()).hasValueSatisfying(m -> assertThat(m).isEqualTo(manifest));
  }

  @Test
  void aMissingOrTooLargeMemberIsNotKept() throws Exception {
    TarMemberTap missing =
        new TarMemberTap(
            new ByteArrayInputStream(tar("PG_VERSION", "base")), "backup_manifest", 1 << 20);
    missing.transferTo(OutputStreamSink.INSTANCE);
    assertThat(missing.member()).isEmpty();

    TarMemberTap tooLarge =
        new TarMemberTap(new ByteArrayInputStream(tar("backup_manifest")), "backup_manifest", 100);
    tooLarge.transferTo(OutputStreamSink.INSTANCE);
    assertThat(tooLarge.member()).isEmpty();
  }

  @Test
  void aNestedPathWithTheSameNameIsNotTheMember() throws Exception {
    Files.createDirectories(dir.resolve("pg_wal"));
    Files.writeString(dir.resolve("pg_wal/backup_manifest"), "not this one");
    TarMemberTap tap =
        new TarMemberTap(new ByteArrayInputStream(tar("pg_wal")), "backup_manifest", 1 << 20);
    tap.transferTo(OutputStreamSink.INSTANCE);

    assertThat(tap.member()).isEmpty();
  }

  /** Reads with chunk sizes that never line up with tar's 512-byte blocks. */
  private static byte[] readInOddChunks(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int[] sizes = {1, 7, 511, 513, 1000, 3};
    byte[] buffer = new byte[1000];
    for (int i = 0; ; i++) {
      if (i % 5 == 4) {
        int b = in.read();
        if (b < 0) {
          break;
        }
        out.write(b);
        continue;
      }
      int n = in.read(buffer, 0, sizes[i % sizes.length]);
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** A ustar archive of the given paths of the test folder, made by tar itself. */
  private byte[] tar(String... paths) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("tar", "--format=ustar", "-c", "-f", "-", "-C", dir.toString()));
    command.addAll(List.of(paths));
    Process process = new ProcessBuilder(command).start();
    byte[] tar = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    return tar;
  }

  /** Discards what it is given. */
  private static final class OutputStreamSink extends java.io.OutputStream {
    static final OutputStreamSink INSTANCE = new OutputStreamSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
