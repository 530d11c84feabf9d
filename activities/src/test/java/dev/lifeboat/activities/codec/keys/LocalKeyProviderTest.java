package dev.lifeboat.activities.codec.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKeyProviderTest {

  @TempDir Path dir;

  @Test
  void createsTheKeyFileOwnerOnlyAndReopensTheSameKey() throws Exception {
    Path file = dir.resolve("keys/kek.json");
    LocalKeyProvider first = LocalKeyProvider.openOrCreate(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    WrappedKey wrapped = first.wrap(new byte[] {1, 2, 3}, "lifeboat:shop/b1");
    LocalKeyProvider reopened = LocalKeyProvider.openOrCreate(file);

    assertThat(reopened.keyId()).isEqualTo(first.keyId()).startsWith("local:kek.json:");
    assertThat(reopened.unwrap(wrapped, "lifeboat:shop/b1")).containsExactly(1, 2, 3);
  }

  @Test
  void aKeyWrappedForOneBackupDoesNotUnwrapForAnother() throws Exception {
    LocalKeyProvider kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
    WrappedKey wrapped = kek.wrap(new byte[] {1, 2, 3}, "lifeboat:shop/b1");

    assertThatThrownBy(() -> kek.unwrap(wrapped, "lifeboat:shop/b2"))
        .isInstanceOf(KeyUnavailableException.class)
        .hasMessageContaining("does not unwrap");
  }

  @Test
  void aFileThatIsNotAKeyIsNamed() throws Exception {
    Path file = dir.resolve("kek.json");
    Files.writeString(file, "{\"not\": \"a key\"}");

    assertThatThrownBy(() -> LocalKeyProvider.openOrCreate(file))
        .hasMessageContaining("key file " + file + " is not a Lifeboat key-encryption key");
  }
}
