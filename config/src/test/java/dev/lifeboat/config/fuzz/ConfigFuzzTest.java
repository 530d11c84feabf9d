package dev.lifeboat.config.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.ConfigException;
import dev.lifeboat.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * lifeboat.yaml as people damage it: every mutation of the shipped example either loads or is
 * refused with a {@link ConfigException} whose every problem says where (a key path or a line),
 * never with any other exception.
 */
class ConfigFuzzTest {

  private static final String EXAMPLE = read(Path.of("..", "lifeboat.yaml"));

  /**
   * A problem starts with its key path, says it is not valid YAML at a line, or is about the file.
   */
  private static final Pattern LOCATED =
      Pattern.compile(
          "^(is not valid YAML( at line \\d+, column \\d+)?: .*|the (file|top level) .*|([^\\s:']+|'[^']*(''[^']*)*')+([.\\[][^\\s:']*)*: .*)",
          Pattern.DOTALL);

  @Property(tries = 400)
  void aDamagedConfigurationLoadsOrSaysWhereItIsWrong(@ForAll long seed) {
    String text = Mutations.mutate(EXAMPLE, seed, 4);
    try {
      new ConfigLoader(Map.of()).parse(Path.of("fuzz.yaml"), text);
    } catch (ConfigException refused) {
      assertThat(refused.getMessage()).contains("fuzz.yaml");
      assertThat(refused.problems())
          .isNotEmpty()
          .allSatisfy(p -> assertThat(p).as("problem names its place").matches(LOCATED));
    }
  }

  /** Found by this property: a key with spaces, colons and brackets, now quoted in its path. */
  @Example
  void aKeyWithSpacesAndBracketsIsQuotedInTheProblemThatNamesIt() {
    aDamagedConfigurationLoadsOrSaysWhereItIsWrong(-4647405818166241147L);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
