package dev.lifeboat.config.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.runbook.RunbookException;
import dev.lifeboat.config.runbook.RunbookLibrary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Runbooks as people damage them: every mutation of a shipped runbook either parses and validates
 * or is refused with a {@link RunbookException} whose every problem names its file and a line,
 * never with any other exception. Parsing starts no work.
 */
class RunbookFuzzTest {

  private static final Path SHIPPED = Path.of("..", "runbooks-yaml");

  @Provide
  Arbitrary<String> shipped() {
    return Arbitraries.of(
        "db-failover.yaml",
        "api-degradation.yaml",
        "cache-failure-recovery.yaml",
        "data-corruption-recovery.yaml");
  }

  @Property(tries = 400)
  void aDamagedRunbookParsesOrSaysWhereItIsWrong(
      @ForAll @From("shipped") String name, @ForAll long seed) throws IOException {
    String text = Mutations.mutate(Files.readString(SHIPPED.resolve(name)), seed, 4);
    Path dir = Files.createTempDirectory("runbook-fuzz");
    Path file = dir.resolve(name);
    try {
      Files.writeString(file, text);
      try {
        RunbookLibrary.loadFile(file);
      } catch (RunbookException refused) {
        assertThat(refused.problems())
            .isNotEmpty()
            .allSatisfy(
                p -> {
                  assertThat(p.file()).as("problem names its file").contains(name);
                  assertThat(p.line()).as("problem names its line: " + p).isPositive();
                });
      }
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  static {
    if (!Files.isDirectory(SHIPPED)) {
      throw new UncheckedIOException(new IOException("no " + SHIPPED.toAbsolutePath()));
    }
  }
}
