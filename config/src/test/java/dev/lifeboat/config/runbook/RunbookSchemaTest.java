package dev.lifeboat.config.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * runbook.schema.json, the schema editors use, accepts the four runbooks and refuses typical
 * mistakes, so editor hints and {@code lifeboat runbook validate} agree.
 */
class RunbookSchemaTest {

  private static Schema schema;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @BeforeAll
  static void loadSchema() throws Exception {
    schema =
        SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
            .getSchema(
                Files.readString(RunbookLibraryTest.RUNBOOKS.resolve("runbook.schema.json")),
                InputFormat.JSON);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "db-failover",
        "cache-failure-recovery",
        "api-degradation",
        "data-corruption-recovery"
      })
  void acceptsTheReferenceRunbook(String name) throws Exception {
    JsonNode runbook = YAML.readTree(RunbookLibraryTest.RUNBOOKS.resolve(name + ".yaml").toFile());

    List<Error> errors = schema.validate(runbook);

    assertThat(errors).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unknown-step-type",
        "missing-steps",
        "bad-duration",
        "unknown-top-key",
        "unknown-step-key",
        "bad-on-failure",
        "missing-required-argument",
        "unknown-argument",
        "bad-redis-command",
        "approval-without-block",
        "parallel-without-steps",
        "retry-zero-attempts",
        "bad-severity",
        "bad-step-id",
        "placeholder-in-sql",
        "env-not-a-name"
      })
  void refusesTheMistakesASchemaCanSee(String name) throws Exception {
    Path file = MalformedRunbooksTest.DIR.resolve(name + ".yaml");
    JsonNode runbook = YAML.readTree(file.toFile());

    assertThat(schema.validate(runbook)).as(name).isNotEmpty();
  }
}
