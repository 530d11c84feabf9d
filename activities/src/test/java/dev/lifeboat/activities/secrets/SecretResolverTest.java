package dev.lifeboat.activities.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

  @Test
  void environmentWinsOverTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pg-shop"), "from-file\n");
    SecretResolver resolver =
        new SecretResolver(dir, Map.of("LIFEBOAT_SECRET_PG_SHOP", "from-env"));

    assertThat(resolver.resolve("pg-shop", "node sydney")).isEqualTo("from-env");
  }

  @Test
  void readsTheFileWithoutItsTrailingNewline(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("pg-shop"), "s3cret\n");

    assertThat(new SecretResolver(dir, Map.of()).resolve("pg-shop", "node sydney"))
        .isEqualTo("s3cret");
  }

  @Test
  void aMissingSecretIsNonRetryableAndSaysWhereToPutIt(@TempDir Path dir) {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                new SecretResolver(dir, Map.of())
                    .resolve("pg-shop", "node sydney of cluster shop"));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(ErrorTypes.MISSING_SECRET);
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "secret 'pg-shop' for node sydney of cluster shop is not set on this worker: set LIFEBOAT_SECRET_PG_SHOP or create the file "
                + dir.resolve("pg-shop"));
  }
}
