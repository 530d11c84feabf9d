package dev.lifeboat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.workflows.model.ValidationQuery;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestoreSettingsTest {

  private static final Path SOURCE = Path.of("/etc/lifeboat/lifeboat.yaml");
  private static final String CLUSTERS =
      "clusters:\n  shop:\n    nodes:\n      - {name: sydney, region: sydney, host: h, port: 5432}\n";

  private static LifeboatConfig parse(Map<String, String> env, String restore) {
    return new ConfigLoader(env).parse(SOURCE, CLUSTERS + restore);
  }

  @Test
  void withoutASectionTheDefaultsApply() {
    RestoreSettings restore = parse(Map.of(), "").restore();

    assertThat(restore.writers()).isEqualTo(RestoreSettings.DEFAULT_WRITERS);
    assertThat(restore.maxBytesPerSecond()).isZero();
    assertThat(restore.validation("shop")).isEmpty();
  }

  @Test
  void readsWritersRateAndEachClustersQueries() {
    RestoreSettings restore =
        parse(
                Map.of(),
                """
                restore:
                  writers: 8
                  maxRate: 50M
                  validation:
                    shop:
                      - name: no orphan listings
                        sql: SELECT count(*) FROM listings WHERE property_id IS NULL
                        expect: 0
                      - {name: users exist, sql: SELECT count(*) > 0 FROM users, expect: true}
                      - {name: nothing, sql: SELECT NULL, expect: null}
                """)
            .restore();

    assertThat(restore.writers()).isEqualTo(8);
    assertThat(restore.maxBytesPerSecond()).isEqualTo(50L * 1024 * 1024);
    assertThat(restore.validation("shop"))
        .containsExactly(
            new ValidationQuery(
                "no orphan listings",
                "SELECT count(*) FROM listings WHERE property_id IS NULL",
                "0"),
            new ValidationQuery("users exist", "SELECT count(*) > 0 FROM users", "true"),
            new ValidationQuery("nothing", "SELECT NULL", "null"));
    assertThat(restore.validation("other")).isEmpty();
  }

  @Test
  void theVariableWinsOverTheFile() {
    RestoreSettings restore =
        parse(Map.of("RESTORE_MAX_RATE", "800"), "restore:\n  maxRate: 50M\n").restore();

    assertThat(restore.maxRate()).isEqualTo("800");
    assertThat(restore.maxBytesPerSecond()).isEqualTo(800L * 1024);
  }

  @Test
  void everyMistakeIsReportedWithItsKey() {
    ConfigException error =
        catchThrowableOfType(
            () ->
                parse(
                    Map.of(),
                    """
                    restore:
                      writers: 0
                      maxRate: fast
                      parallel: 3
                      validation:
                        shop:
                          - {name: a, sql: SELECT 1, expect: 1}
                          - {name: a, sql: SELECT 2, expect: 2, expected: 2}
                          - {sql: SELECT 3}
                        nope:
                          - {name: b, sql: SELECT 1, expect: 1}
                    """),
            ConfigException.class);

    assertThat(error.problems())
        .containsExactlyInAnyOrder(
            "restore.parallel: unknown key; allowed here: [maxRate, validation, writers]",
            "restore.writers: 0 is out of range; expected a count 1-64",
            "restore.maxRate: 'fast' is not a rate; use kilobytes per second, or a number with k"
                + " or M, e.g. 200M",
            "restore.validation.shop[1].expected: unknown key; allowed here: [expect, name, sql]",
            "restore.validation.shop[1].name: 'a' is used twice; names identify the checks",
            "restore.validation.shop[2].name: missing; say what the query proves, e.g. 'no orphan"
                + " listings'",
            "restore.validation.shop[2].expect: missing; the value the query must return, e.g. 0,"
                + " true or 'EUR' (null for SQL NULL)",
            "restore.validation.nope: 'nope' is not a configured cluster [shop]");
  }
}
