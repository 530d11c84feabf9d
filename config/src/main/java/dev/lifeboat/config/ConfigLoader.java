package dev.lifeboat.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads lifeboat.yaml, applies environment overrides, and validates every value. All problems are
 * collected and reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {

  /** Environment variable naming the configuration file. */
  public static final String CONFIG_ENV = "LIFEBOAT_CONFIG";

  /** The file used when neither a flag nor {@link #CONFIG_ENV} names one. */
  public static final String DEFAULT_FILE = "lifeboat.yaml";

  static final List<String> STRATEGIES = List.of("active-passive", "active-active", "multi-region");

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Set<String> TOP_KEYS = Set.of("temporal", "worker", "secrets", "clusters");
  private static final Set<String> TEMPORAL_KEYS = Set.of("address", "namespace", "ui");
  private static final Set<String> WORKER_KEYS = Set.of("regions", "metricsHost", "metricsPort");
  private static final Set<String> SECRETS_KEYS = Set.of("dir");
  private static final Set<String> CLUSTER_KEYS = Set.of("strategy", "nodes");
  private static final Set<String> NODE_KEYS =
      Set.of(
          "name",
          "region",
          "priority",
          "weight",
          "host",
          "port",
          "database",
          "user",
          "passwordSecret");

  private final Map<String, String> environment;

  /** Creates a loader that reads overrides from the process environment. */
  public ConfigLoader() {
    this(System.getenv());
  }

  /** Creates a loader with an explicit environment, for tests. */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = environment;
  }

  /**
   * Finds the configuration file: the given path, else {@code $LIFEBOAT_CONFIG}, else {@code
   * ./lifeboat.yaml}.
   */
  public Path locate(Path explicit) {
    if (explicit != null) {
      return explicit;
    }
    String fromEnv = environment.get(CONFIG_ENV);
    return Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT_FILE : fromEnv);
  }

  /**
   * Loads and validates a configuration file.
   *
   * @throws ConfigException naming every problem found
   */
  public LifeboatConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          file.toString(),
          List.of(
              "file not found; pass --config FILE or set "
                  + CONFIG_ENV
                  + " (the example is lifeboat.yaml at the repository root)"));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot be read: " + e.getMessage()));
    }
    return parse(file, text);
  }

  /** Parses and validates configuration text; {@code source} names it in errors. */
  public LifeboatConfig parse(Path source, String text) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException(
          source.toString(), List.of("is not valid YAML" + where + ": " + e.getOriginalMessage()));
    }
    Reader reader = new Reader(new EnvironmentInterpolator(environment));
    LifeboatConfig config = reader.read(source, root);
    if (!reader.problems.isEmpty()) {
      throw new ConfigException(source.toString(), reader.problems);
    }
    return config;
  }

  /** Walks the YAML tree, keeping the current key path and the problems found so far. */
  private final class Reader {
    private final EnvironmentInterpolator interpolator;
    private final List<String> problems = new ArrayList<>();

    Reader(EnvironmentInterpolator interpolator) {
      this.interpolator = interpolator;
    }

    LifeboatConfig read(Path source, JsonNode root) {
      if (root == null || root.isMissingNode() || root.isNull()) {
        problems.add("the file is empty; it needs at least a 'clusters' section");
        return null;
      }
      if (!root.isObject()) {
        problems.add("the top level must be a mapping with keys " + sorted(TOP_KEYS));
        return null;
      }
      checkKeys("", root, TOP_KEYS);

      JsonNode temporalNode = section(root, "temporal", TEMPORAL_KEYS);
      String address =
          override("TEMPORAL_ADDRESS", text(temporalNode, "temporal.address", "127.0.0.1:7233"));
      if (!address.matches("[^:\\s]+:\\d{1,5}")) {
        problems.add(
            "temporal.address: '" + address + "' is not host:port; expected e.g. 127.0.0.1:7233");
      }
      String namespace =
          override("TEMPORAL_NAMESPACE", text(temporalNode, "temporal.namespace", "default"));
      String ui = text(temporalNode, "temporal.ui", "http://127.0.0.1:8233");
      if (!ui.startsWith("http://") && !ui.startsWith("https://")) {
        problems.add(
            "temporal.ui: '" + ui + "' is not an http(s) URL; expected e.g. http://127.0.0.1:8233");
      }

      JsonNode workerNode = section(root, "worker", WORKER_KEYS);
      List<String> regions = stringList(workerNode, "worker.regions");
      String metricsHost = text(workerNode, "worker.metricsHost", "127.0.0.1");
      int metricsPort =
          integer(
              workerNode, "worker.metricsPort", 9464, 0, 65535, "a port 1-65535, or 0 to disable");

      JsonNode secretsNode = section(root, "secrets", SECRETS_KEYS);
      Path base = source.toAbsolutePath().getParent();
      Path secretsDir =
          base.resolve(text(secretsNode, "secrets.dir", ".tools/state/secrets")).normalize();

      Map<String, ClusterSpec> clusters = new LinkedHashMap<>();
      JsonNode clustersNode = root.get("clusters");
      if (clustersNode == null || !clustersNode.isObject() || clustersNode.isEmpty()) {
        problems.add("clusters: missing or empty; define at least one cluster with its nodes");
      } else {
        clustersNode
            .fields()
            .forEachRemaining(e -> clusters.put(e.getKey(), cluster(e.getKey(), e.getValue())));
      }
      for (String region : regions) {
        boolean known =
            clusters.values().stream()
                .filter(c -> c != null)
                .flatMap(c -> c.nodes().stream())
                .anyMatch(n -> region.equals(n.region()));
        if (!known) {
          problems.add("worker.regions: '" + region + "' is not the region of any configured node");
        }
      }
      return new LifeboatConfig(
          source,
          new TemporalSettings(address, namespace, stripSlash(ui)),
          new WorkerSettings(regions, metricsHost, metricsPort),
          secretsDir,
          clusters);
    }

    private ClusterSpec cluster(String name, JsonNode node) {
      String key = "clusters." + name;
      if (!NAME.matcher(name).matches()) {
        problems.add(
            key + ": cluster name '" + name + "' must be lower-case letters, digits and '-'");
      }
      if (!node.isObject()) {
        problems.add(key + ": must be a mapping with keys " + sorted(CLUSTER_KEYS));
        return new ClusterSpec(name, "active-passive", List.of());
      }
      checkKeys(key, node, CLUSTER_KEYS);
      String strategy = text(node, key + ".strategy", "active-passive");
      if (!STRATEGIES.contains(strategy)) {
        problems.add(
            key + ".strategy: '" + strategy + "' is not allowed; use one of " + STRATEGIES);
      }
      List<NodeSpec> nodes = new ArrayList<>();
      JsonNode list = node.get("nodes");
      if (list == null || !list.isArray() || list.isEmpty()) {
        problems.add(key + ".nodes: missing or empty; list the primary and its standbys");
      } else {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
          NodeSpec spec = node(key + ".nodes[" + i + "]", list.get(i));
          if (spec != null && spec.name() != null && !names.add(spec.name())) {
            problems.add(
                key
                    + ".nodes["
                    + i
                    + "].name: '"
                    + spec.name()
                    + "' is used twice; node names must be unique");
          }
          if (spec != null) {
            nodes.add(spec);
          }
        }
      }
      return new ClusterSpec(name, strategy, nodes);
    }

    private NodeSpec node(String key, JsonNode node) {
      if (!node.isObject()) {
        problems.add(key + ": must be a mapping with keys " + sorted(NODE_KEYS));
        return null;
      }
      checkKeys(key, node, NODE_KEYS);
      String name = requiredName(node, key + ".name");
      String region = requiredName(node, key + ".region");
      String host = text(node, key + ".host", null);
      if (host == null || host.isBlank()) {
        problems.add(key + ".host: missing; give the host name or address the worker connects to");
      }
      int port = integer(node, key + ".port", -1, 1, 65535, "a port 1-65535");
      if (port == -1 && !node.has("port")) {
        problems.add(key + ".port: missing; give the PostgreSQL port, e.g. 5432");
      }
      int priority =
          integer(
              node, key + ".priority", 0, 0, 1000, "an integer 0-1000 (higher fails over first)");
      int weight = integer(node, key + ".weight", 1, 0, 1000, "an integer 0-1000 (share of reads)");
      String database = text(node, key + ".database", "postgres");
      String user = text(node, key + ".user", "postgres");
      String secret = text(node, key + ".passwordSecret", null);
      if (secret != null && !NAME.matcher(secret).matches()) {
        problems.add(
            key + ".passwordSecret: '" + secret + "' must be lower-case letters, digits and '-'");
      }
      return new NodeSpec(name, region, priority, weight, host, port, database, user, secret);
    }

    private String requiredName(JsonNode node, String key) {
      String value = text(node, key, null);
      if (value == null || value.isBlank()) {
        problems.add(key + ": missing; use lower-case letters, digits and '-'");
        return null;
      }
      if (!NAME.matcher(value).matches()) {
        problems.add(
            key + ": '" + value + "' is not allowed; use lower-case letters, digits and '-'");
      }
      return value;
    }

    private JsonNode section(JsonNode root, String name, Set<String> keys) {
      JsonNode node = root.get(name);
      if (node == null || node.isNull()) {
        return null;
      }
      if (!node.isObject()) {
        problems.add(name + ": must be a mapping with keys " + sorted(keys));
        return null;
      }
      checkKeys(name, node, keys);
      return node;
    }

    private void checkKeys(String path, JsonNode node, Set<String> allowed) {
      node.fieldNames()
          .forEachRemaining(
              field -> {
                if (!allowed.contains(field)) {
                  problems.add(
                      (path.isEmpty() ? "" : path + ".")
                          + field
                          + ": unknown key; allowed here: "
                          + sorted(allowed));
                }
              });
    }

    private String text(JsonNode parent, String key, String fallback) {
      JsonNode value = parent == null ? null : parent.get(leaf(key));
      if (value == null || value.isNull()) {
        return fallback;
      }
      if (!value.isValueNode()) {
        problems.add(
            key + ": must be a single value, not a " + (value.isArray() ? "list" : "mapping"));
        return fallback;
      }
      int before = problems.size();
      String interpolated = interpolator.interpolate(key, value.asText(), problems::add);
      // An unset variable is already reported; checking the empty result would only add noise.
      return problems.size() > before ? fallback : interpolated;
    }

    private int integer(
        JsonNode parent, String key, int fallback, int min, int max, String allowed) {
      String raw = text(parent, key, null);
      if (raw == null) {
        return fallback;
      }
      try {
        int value = Integer.parseInt(raw.trim());
        if (value < min || value > max) {
          problems.add(key + ": " + value + " is out of range; expected " + allowed);
        }
        return value;
      } catch (NumberFormatException e) {
        problems.add(key + ": '" + raw + "' is not a number; expected " + allowed);
        return fallback;
      }
    }

    private List<String> stringList(JsonNode parent, String key) {
      JsonNode value = parent == null ? null : parent.get(leaf(key));
      List<String> out = new ArrayList<>();
      if (value == null || value.isNull()) {
        return out;
      }
      if (!value.isArray()) {
        problems.add(key + ": must be a list, e.g. [sydney, tokyo]");
        return out;
      }
      for (int i = 0; i < value.size(); i++) {
        String item =
            interpolator.interpolate(key + "[" + i + "]", value.get(i).asText(), problems::add);
        if (!item.isBlank()) {
          out.add(item);
        }
      }
      return out;
    }

    private String override(String variable, String value) {
      String fromEnv = environment.get(variable);
      return fromEnv == null || fromEnv.isBlank() ? value : fromEnv;
    }
  }

  private static String leaf(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }
}
