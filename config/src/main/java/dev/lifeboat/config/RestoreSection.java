package dev.lifeboat.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lifeboat.workflows.model.ValidationQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Reads the {@code restore} section into {@link RestoreSettings}, reporting every problem with its
 * key. Kept apart from {@link ConfigLoader}'s reader so the restore settings grow without touching
 * the cluster and backup parsing.
 */
final class RestoreSection {

  static final String MAX_RATE_ENV = "RESTORE_MAX_RATE";

  private static final Set<String> KEYS = Set.of("writers", "maxRate", "validation");
  private static final Set<String> QUERY_KEYS = Set.of("name", "sql", "expect");

  private final Map<String, String> environment;
  private final EnvironmentInterpolator interpolator;
  private final Consumer<String> problems;

  RestoreSection(
      Map<String, String> environment,
      EnvironmentInterpolator interpolator,
      Consumer<String> problems) {
    this.environment = environment;
    this.interpolator = interpolator;
    this.problems = problems;
  }

  /**
   * @param node the {@code restore} mapping, or null when the file has none
   * @param clusters the configured cluster names; validation of any other is a mistake
   */
  RestoreSettings read(JsonNode node, Set<String> clusters) {
    if (node != null && !node.isNull() && !node.isObject()) {
      problems.accept("restore: must be a mapping with keys " + new TreeSet<>(KEYS));
      node = null;
    }
    if (node != null && !node.isNull()) {
      node.fieldNames()
          .forEachRemaining(
              field -> {
                if (!KEYS.contains(field)) {
                  problems.accept(
                      "restore."
                          + ConfigLoader.keySegment(field)
                          + ": unknown key; allowed here: "
                          + new TreeSet<>(KEYS));
                }
              });
    }
    int writers = RestoreSettings.DEFAULT_WRITERS;
    String writersText = text(node, "writers", "restore.writers");
    if (writersText != null) {
      try {
        writers = Integer.parseInt(writersText.strip());
        if (writers < 1 || writers > 64) {
          problems.accept(
              "restore.writers: " + writers + " is out of range; expected a count 1-64");
        }
      } catch (NumberFormatException e) {
        problems.accept(
            "restore.writers: '" + writersText + "' is not a number; expected a count 1-64");
      }
    }
    String maxRate = environment.get(MAX_RATE_ENV);
    String maxRateLabel = MAX_RATE_ENV;
    if (maxRate == null || maxRate.isBlank()) {
      maxRate = text(node, "maxRate", "restore.maxRate");
      maxRateLabel = "restore.maxRate";
    }
    if (maxRate != null && maxRate.isBlank()) {
      maxRate = null;
    }
    if (maxRate != null && !maxRate.strip().matches("[1-9]\\d{0,9}[kM]?")) {
      problems.accept(
          maxRateLabel
              + ": '"
              + maxRate
              + "' is not a rate; use kilobytes per second, or a number with k or M, e.g. 200M");
      maxRate = null;
    }
    Map<String, List<ValidationQuery>> validation = new LinkedHashMap<>();
    JsonNode byCluster = node == null ? null : node.get("validation");
    if (byCluster != null && !byCluster.isNull()) {
      if (!byCluster.isObject()) {
        problems.accept(
            "restore.validation: must be a mapping from cluster name to a list of {name, sql,"
                + " expect}");
      } else {
        byCluster
            .fields()
            .forEachRemaining(
                e -> {
                  String key = "restore.validation." + ConfigLoader.keySegment(e.getKey());
                  if (!clusters.contains(e.getKey())) {
                    problems.accept(
                        key + ": '" + e.getKey() + "' is not a configured cluster " + clusters);
                  }
                  validation.put(e.getKey(), queries(key, e.getValue()));
                });
      }
    }
    return new RestoreSettings(writers, maxRate == null ? null : maxRate.strip(), validation);
  }

  private List<ValidationQuery> queries(String key, JsonNode list) {
    List<ValidationQuery> out = new ArrayList<>();
    if (list == null || !list.isArray()) {
      problems.accept(key + ": must be a list of {name, sql, expect}");
      return out;
    }
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = key + "[" + i + "]";
      JsonNode query = list.get(i);
      if (!query.isObject()) {
        problems.accept(at + ": must be a mapping {name, sql, expect}");
        continue;
      }
      query
          .fieldNames()
          .forEachRemaining(
              field -> {
                if (!QUERY_KEYS.contains(field)) {
                  problems.accept(
                      at
                          + "."
                          + ConfigLoader.keySegment(field)
                          + ": unknown key; allowed here: "
                          + new TreeSet<>(QUERY_KEYS));
                }
              });
      String name = text(query, "name", at + ".name");
      String sql = text(query, "sql", at + ".sql");
      String expect = text(query, "expect", at + ".expect");
      if (name == null || name.isBlank()) {
        problems.accept(
            at + ".name: missing; say what the query proves, e.g. 'no orphan listings'");
      } else if (!names.add(name)) {
        problems.accept(at + ".name: '" + name + "' is used twice; names identify the checks");
      }
      if (sql == null || sql.isBlank()) {
        problems.accept(
            at + ".sql: missing; a SELECT whose first column of its first row is checked");
      }
      if (expect == null) {
        problems.accept(
            at
                + ".expect: missing; the value the query must return, e.g. 0, true or 'EUR'"
                + " (null for SQL NULL)");
      }
      out.add(new ValidationQuery(name, sql == null ? null : sql.strip(), expect));
    }
    return out;
  }

  private String text(JsonNode parent, String field, String key) {
    JsonNode value = parent == null ? null : parent.get(field);
    if (value == null) {
      return null;
    }
    if (value.isNull()) {
      // expect: null (or ~) asks for SQL NULL.
      return field.equals("expect") ? "null" : null;
    }
    if (!value.isValueNode()) {
      problems.accept(
          key + ": must be a single value, not a " + (value.isArray() ? "list" : "mapping"));
      return null;
    }
    return interpolator.interpolate(key, value.asText(), problems);
  }
}
