package dev.lifeboat.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.Compression;
import dev.lifeboat.workflows.model.FailoverPolicy;
import dev.lifeboat.workflows.model.HealthSettings;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
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
  private static final Set<String> TOP_KEYS =
      Set.of("temporal", "worker", "secrets", "clusters", "backup", "restore");
  private static final Set<String> BACKUP_KEYS =
      Set.of(
          "strategy",
          "retentionDays",
          "compression",
          "compressionLevel",
          "encryption",
          "keys",
          "destinations",
          "maxRate",
          "source",
          "readers",
          "pageDifferences");
  private static final Set<String> KEYS_KEYS =
      Set.of("provider", "file", "kmsKeyId", "region", "endpoint", "credentialsSecret");
  private static final Set<String> DESTINATION_KEYS =
      Set.of(
          "name",
          "url",
          "region",
          "project",
          "endpoint",
          "credentialsSecret",
          "partSizeMiB",
          "parallelism",
          "createIfMissing");
  private static final Pattern DESTINATION_URL =
      Pattern.compile(
          "(file:///.+|s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?|gs://[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](/.*)?|azblob://[a-z0-9]{3,24}/[a-z0-9][a-z0-9-]{1,61}[a-z0-9](/.*)?)");
  private static final Set<String> TEMPORAL_KEYS = Set.of("address", "namespace", "ui");
  private static final Set<String> WORKER_KEYS = Set.of("regions", "metricsHost", "metricsPort");
  private static final Set<String> SECRETS_KEYS = Set.of("dir");
  private static final Set<String> CLUSTER_KEYS =
      Set.of("strategy", "nodes", "drill", "replication", "health", "failover", "traffic");
  private static final Set<String> HEALTH_KEYS =
      Set.of("interval", "failuresBeforeDown", "probeTimeout", "vantagePoints");
  private static final Set<String> FAILOVER_KEYS =
      Set.of(
          "automatic",
          "rpoBudgetBytes",
          "rpoBudgetSeconds",
          "maxLagBytes",
          "escalateAfter",
          "approvalTimeout");
  private static final Set<String> TRAFFIC_KEYS =
      Set.of(
          "type",
          "name",
          "region",
          "host",
          "port",
          "adminUser",
          "adminPasswordSecret",
          "database",
          "configFile",
          "path",
          "hostedZoneId",
          "recordName",
          "awsRegion",
          "endpoint",
          "credentialsSecret");
  private static final List<String> REPLICATION_MODES =
      List.of(ClusterSpec.SYNCHRONOUS, ClusterSpec.ASYNCHRONOUS);
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
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
          "passwordSecret",
          "dataDir",
          "replicationUser",
          "replicationSecret");

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
   * A key as it appears in a problem's key path: as written when it is a plain name, else quoted,
   * so a key with spaces, colons or brackets cannot be read as part of the path or the message.
   */
  static String keySegment(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "'" + key.replace("'", "''") + "'";
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

      configDir = base;
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
      BackupSettings backup = backup(root, base, secretsDir);
      RestoreSettings restore =
          new RestoreSection(environment, interpolator, problems::add)
              .read(root.get("restore"), clusters.keySet());
      return new LifeboatConfig(
          source,
          new TemporalSettings(address, namespace, stripSlash(ui)),
          new WorkerSettings(regions, metricsHost, metricsPort),
          secretsDir,
          clusters,
          backup,
          restore);
    }

    /**
     * Reads the backup section. The BACKUP_* variables win over the file, and an error about a
     * value that came from one names the variable, since that is what the operator must fix.
     */
    private BackupSettings backup(JsonNode root, Path base, Path secretsDir) {
      JsonNode node = section(root, "backup", BACKUP_KEYS);
      String bucket = env("BACKUP_BUCKET");
      boolean fromEnvironment =
          bucket != null
              || env("BACKUP_COMPRESSION") != null
              || env("BACKUP_ENCRYPTION") != null
              || env("BACKUP_STRATEGY") != null;
      if (node == null && !fromEnvironment) {
        return null;
      }
      Sourced strategy = sourced("BACKUP_STRATEGY", node, "backup.strategy", "daily");
      if (!BackupSettings.STRATEGIES.contains(strategy.value())) {
        problems.add(
            strategy.label()
                + ": '"
                + strategy.value()
                + "' is not allowed; use "
                + String.join("|", BackupSettings.STRATEGIES));
      }
      Sourced retention = sourced("BACKUP_RETENTION", node, "backup.retentionDays", "30");
      int retentionDays = parseInt(retention, 1, 36500, "a number of days 1-36500");

      Sourced compressionName = sourced("BACKUP_COMPRESSION", node, "backup.compression", "zstd");
      Compression compression = Compression.byLabel(compressionName.value()).orElse(null);
      if (compression == null) {
        problems.add(
            compressionName.label()
                + ": '"
                + compressionName.value()
                + "' is not allowed; use "
                + Compression.allowed());
        compression = Compression.ZSTD;
      }
      int level =
          integer(
              node,
              "backup.compressionLevel",
              compression.defaultLevel(),
              compression.minLevel(),
              compression.maxLevel(),
              "a level "
                  + compression.minLevel()
                  + "-"
                  + compression.maxLevel()
                  + " for "
                  + compression.label());

      Sourced encryptionFlag = sourced("BACKUP_ENCRYPTION", node, "backup.encryption", "true");
      boolean encryption = parseBoolean(encryptionFlag);

      BackupSettings.KeySettings keys =
          keys(node == null ? null : node.get("keys"), base, secretsDir);
      List<BackupSettings.DestinationSettings> destinations =
          destinations(node == null ? null : node.get("destinations"), bucket);
      Sourced maxRate = sourced("BACKUP_MAX_RATE", node, "backup.maxRate", null);
      if (maxRate.value() != null && !maxRate.value().matches("\\d+[kM]?")) {
        problems.add(
            maxRate.label()
                + ": '"
                + maxRate.value()
                + "' is not a rate; use kilobytes per second, or a number with k or M, e.g. 50M");
      }
      Sourced source = sourced("BACKUP_SOURCE", node, "backup.source", BackupSettings.SOURCE_AUTO);
      if (!BackupSettings.SOURCES.contains(source.value())) {
        problems.add(
            source.label()
                + ": '"
                + source.value()
                + "' is not allowed; use "
                + String.join("|", BackupSettings.SOURCES));
      }
      int readers =
          integer(node, "backup.readers", BackupSettings.DEFAULT_READERS, 1, 64, "a count 1-64");
      boolean pageDifferences =
          parseBoolean(sourced("BACKUP_PAGE_DIFFERENCES", node, "backup.pageDifferences", "true"));
      return new BackupSettings(
          strategy.value(),
          retentionDays,
          compression,
          level,
          encryption,
          keys,
          destinations,
          maxRate.value(),
          source.value(),
          readers,
          pageDifferences);
    }

    private BackupSettings.KeySettings keys(JsonNode node, Path base, Path secretsDir) {
      if (node != null && !node.isObject()) {
        problems.add("backup.keys: must be a mapping with keys " + sorted(KEYS_KEYS));
        node = null;
      }
      if (node != null) {
        checkKeys("backup.keys", node, KEYS_KEYS);
      }
      String provider = text(node, "backup.keys.provider", "local");
      Path file = null;
      String kmsKeyId = text(node, "backup.keys.kmsKeyId", null);
      switch (provider) {
        case "local" -> {
          String path = text(node, "backup.keys.file", null);
          file =
              path == null
                  ? secretsDir.resolveSibling("keys").resolve("kek.json")
                  : base.resolve(path).normalize();
        }
        case "aws-kms" -> {
          if (kmsKeyId == null || kmsKeyId.isBlank()) {
            problems.add(
                "backup.keys.kmsKeyId: missing; the aws-kms provider needs a key id, ARN or alias such as alias/lifeboat");
          }
        }
        default ->
            problems.add(
                "backup.keys.provider: '" + provider + "' is not allowed; use local|aws-kms");
      }
      return new BackupSettings.KeySettings(
          provider,
          file,
          kmsKeyId,
          text(node, "backup.keys.region", env("BACKUP_S3_REGION")),
          text(node, "backup.keys.endpoint", env("BACKUP_KMS_ENDPOINT")),
          text(node, "backup.keys.credentialsSecret", null));
    }

    private List<BackupSettings.DestinationSettings> destinations(JsonNode list, String bucket) {
      List<BackupSettings.DestinationSettings> out = new ArrayList<>();
      if (list == null || list.isNull()) {
        if (bucket != null) {
          out.addAll(destinationsFromEnvironment(bucket));
        } else {
          problems.add(
              "backup.destinations: missing; list at least one destination (file:///, s3://, gs://, azblob://) or set BACKUP_BUCKET");
        }
        return out;
      }
      if (!list.isArray() || list.isEmpty()) {
        problems.add("backup.destinations: must be a non-empty list of destinations");
        return out;
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        String key = "backup.destinations[" + i + "]";
        JsonNode node = list.get(i);
        if (!node.isObject()) {
          problems.add(key + ": must be a mapping with keys " + sorted(DESTINATION_KEYS));
          continue;
        }
        checkKeys(key, node, DESTINATION_KEYS);
        String name = requiredName(node, key + ".name");
        if (name != null && !names.add(name)) {
          problems.add(
              key + ".name: '" + name + "' is used twice; destination names must be unique");
        }
        String url = text(node, key + ".url", null);
        if (url == null || url.isBlank()) {
          problems.add(key + ".url: missing; e.g. s3://bucket/prefix or file:///mnt/nas/backups");
        } else if (!DESTINATION_URL.matcher(url).matches()) {
          problems.add(
              key
                  + ".url: '"
                  + url
                  + "' is not a destination URL; use file:///path, s3://bucket/prefix, gs://bucket/prefix or azblob://account/container/prefix");
        }
        out.add(
            new BackupSettings.DestinationSettings(
                name,
                url,
                text(node, key + ".region", null),
                text(node, key + ".project", null),
                text(node, key + ".endpoint", null),
                text(node, key + ".credentialsSecret", null),
                integer(node, key + ".partSizeMiB", 16, 5, 5120, "a part size 5-5120 MiB"),
                integer(node, key + ".parallelism", 4, 1, 64, "1-64 parts at once"),
                parseBoolean(
                    new Sourced(
                        text(node, key + ".createIfMissing", "false"), key + ".createIfMissing"))));
      }
      return out;
    }

    /**
     * The reference deployment named one bucket and the accounts of each cloud; each cloud that has
     * its variable set becomes a destination with that bucket (container) name.
     */
    private List<BackupSettings.DestinationSettings> destinationsFromEnvironment(String bucket) {
      List<BackupSettings.DestinationSettings> out = new ArrayList<>();
      out.add(
          new BackupSettings.DestinationSettings(
              "s3",
              "s3://" + bucket,
              env("BACKUP_S3_REGION"),
              null,
              env("BACKUP_S3_ENDPOINT"),
              null,
              16,
              4,
              false));
      if (env("BACKUP_GCS_PROJECT") != null) {
        out.add(
            new BackupSettings.DestinationSettings(
                "gcs",
                "gs://" + bucket,
                null,
                env("BACKUP_GCS_PROJECT"),
                env("BACKUP_GCS_ENDPOINT"),
                null,
                16,
                4,
                false));
      }
      if (env("BACKUP_AZURE_ACCOUNT") != null) {
        out.add(
            new BackupSettings.DestinationSettings(
                "azure",
                "azblob://" + env("BACKUP_AZURE_ACCOUNT") + "/" + bucket,
                null,
                null,
                env("BACKUP_AZURE_ENDPOINT"),
                null,
                16,
                4,
                false));
      }
      for (BackupSettings.DestinationSettings d : out) {
        if (!DESTINATION_URL.matcher(d.url()).matches()) {
          problems.add(
              "BACKUP_BUCKET: '"
                  + bucket
                  + "' does not make a valid destination URL ("
                  + d.url()
                  + "); use 3-63 lower-case letters, digits, '.' and '-'");
          break;
        }
      }
      return out;
    }

    /** A value and where it came from: an environment variable or a key of the file. */
    private record Sourced(String value, String label) {}

    private Sourced sourced(String variable, JsonNode node, String key, String fallback) {
      String fromEnv = env(variable);
      if (fromEnv != null) {
        return new Sourced(fromEnv.trim(), variable);
      }
      return new Sourced(text(node, key, fallback), key);
    }

    private int parseInt(Sourced value, int min, int max, String allowed) {
      try {
        int n = Integer.parseInt(value.value());
        if (n < min || n > max) {
          problems.add(value.label() + ": " + n + " is out of range; expected " + allowed);
        }
        return n;
      } catch (NumberFormatException e) {
        problems.add(
            value.label() + ": '" + value.value() + "' is not a number; expected " + allowed);
        return min;
      }
    }

    private boolean parseBoolean(Sourced value) {
      return switch (value.value().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "1" -> true;
        case "false", "no", "0" -> false;
        default -> {
          problems.add(value.label() + ": '" + value.value() + "' is not allowed; use true|false");
          yield true;
        }
      };
    }

    private String env(String variable) {
      String value = environment.get(variable);
      return value == null || value.isBlank() ? null : value;
    }

    private ClusterSpec cluster(String name, JsonNode node) {
      String key = "clusters." + keySegment(name);
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
      boolean drill =
          parseBoolean(new Sourced(text(node, key + ".drill", "false"), key + ".drill"));
      String replication = text(node, key + ".replication", ClusterSpec.ASYNCHRONOUS);
      if (!REPLICATION_MODES.contains(replication)) {
        problems.add(
            key
                + ".replication: '"
                + replication
                + "' is not allowed; use one of "
                + REPLICATION_MODES);
      }
      HealthSettings health = health(key + ".health", node.get("health"), nodes);
      FailoverPolicy failover = failover(key + ".failover", node.get("failover"));
      List<TrafficEndpoint> traffic = traffic(key + ".traffic", node.get("traffic"), nodes);
      return new ClusterSpec(name, strategy, nodes, drill, replication, health, failover, traffic);
    }

    private Path configDir = Path.of(".");

    private HealthSettings health(String key, JsonNode node, List<NodeSpec> nodes) {
      if (node == null || node.isNull()) {
        return HealthSettings.defaults();
      }
      if (!node.isObject()) {
        problems.add(key + ": must be a mapping with keys " + sorted(HEALTH_KEYS));
        return HealthSettings.defaults();
      }
      checkKeys(key, node, HEALTH_KEYS);
      long interval =
          millis(node, key + ".interval", HealthSettings.DEFAULT_INTERVAL_MILLIS, 200, 3_600_000);
      int failures =
          integer(
              node,
              key + ".failuresBeforeDown",
              HealthSettings.DEFAULT_FAILURES_BEFORE_DOWN,
              1,
              100,
              "a count 1-100");
      long timeout =
          millis(
              node,
              key + ".probeTimeout",
              HealthSettings.DEFAULT_PROBE_TIMEOUT_MILLIS,
              100,
              600_000);
      List<String> vantage = stringList(node, key + ".vantagePoints");
      Set<String> regions = new HashSet<>();
      nodes.forEach(n -> regions.add(n.region()));
      for (String region : vantage) {
        if (!regions.contains(region)) {
          problems.add(
              key
                  + ".vantagePoints: '"
                  + region
                  + "' is not the region of any node of this cluster; use one of "
                  + new java.util.TreeSet<>(regions));
        }
      }
      return new HealthSettings(interval, failures, timeout, vantage);
    }

    private FailoverPolicy failover(String key, JsonNode node) {
      FailoverPolicy d = FailoverPolicy.defaults();
      if (node == null || node.isNull()) {
        return d;
      }
      if (!node.isObject()) {
        problems.add(key + ": must be a mapping with keys " + sorted(FAILOVER_KEYS));
        return d;
      }
      checkKeys(key, node, FAILOVER_KEYS);
      boolean automatic =
          parseBoolean(
              new Sourced(
                  text(node, key + ".automatic", String.valueOf(d.automatic())),
                  key + ".automatic"));
      long budgetBytes =
          longValue(node, key + ".rpoBudgetBytes", d.rpoBudgetBytes(), 0, Long.MAX_VALUE);
      long budgetSeconds =
          longValue(node, key + ".rpoBudgetSeconds", d.rpoBudgetSeconds(), 0, 86_400);
      long maxLag = longValue(node, key + ".maxLagBytes", d.maxLagBytes(), 0, Long.MAX_VALUE);
      long escalate =
          millis(node, key + ".escalateAfter", d.escalateAfterSeconds() * 1000, 1000, 86_400_000)
              / 1000;
      long timeout =
          millis(
                  node,
                  key + ".approvalTimeout",
                  d.approvalTimeoutSeconds() * 1000,
                  1000,
                  7 * 86_400_000L)
              / 1000;
      return new FailoverPolicy(automatic, budgetBytes, budgetSeconds, maxLag, escalate, timeout);
    }

    private List<TrafficEndpoint> traffic(String key, JsonNode node, List<NodeSpec> nodes) {
      List<TrafficEndpoint> out = new ArrayList<>();
      if (node == null || node.isNull()) {
        return out;
      }
      if (!node.isArray()) {
        problems.add(key + ": must be a list of endpoints, each with a type and a name");
        return out;
      }
      Set<String> names = new HashSet<>();
      Set<String> regions = new HashSet<>();
      nodes.forEach(n -> regions.add(n.region()));
      for (int i = 0; i < node.size(); i++) {
        String k = key + "[" + i + "]";
        JsonNode e = node.get(i);
        if (!e.isObject()) {
          problems.add(k + ": must be a mapping with keys " + sorted(TRAFFIC_KEYS));
          continue;
        }
        checkKeys(k, e, TRAFFIC_KEYS);
        String type = text(e, k + ".type", null);
        String name = requiredName(e, k + ".name");
        if (name != null && !names.add(name)) {
          problems.add(k + ".name: '" + name + "' is used twice; endpoint names must be unique");
        }
        String region = text(e, k + ".region", null);
        if (region != null && !regions.contains(region)) {
          problems.add(
              k + ".region: '" + region + "' is not the region of any node of this cluster");
        }
        if (type == null) {
          problems.add(k + ".type: missing; use pgbouncer, route53 or file");
          continue;
        }
        switch (type) {
          case TrafficEndpoint.PGBOUNCER -> {
            String host = required(e, k + ".host", "PgBouncer's host, e.g. 127.0.0.1");
            int port = integer(e, k + ".port", 6432, 1, 65535, "a port 1-65535");
            String admin = required(e, k + ".adminUser", "a user in PgBouncer's admin_users");
            String secret = text(e, k + ".adminPasswordSecret", null);
            String database = required(e, k + ".database", "the database name clients use");
            String file =
                required(e, k + ".configFile", "the pgbouncer.ini whose [databases] is rewritten");
            out.add(
                new TrafficEndpoint(
                    type, name, region, host, port, admin, secret, database, file, null, null, null,
                    null, null));
          }
          case TrafficEndpoint.ROUTE53 -> {
            String zone = required(e, k + ".hostedZoneId", "the hosted zone's id");
            String record =
                required(e, k + ".recordName", "the record set's name, e.g. db.example.com");
            out.add(
                new TrafficEndpoint(
                    type,
                    name,
                    region,
                    null,
                    0,
                    null,
                    null,
                    null,
                    null,
                    zone,
                    record,
                    text(e, k + ".awsRegion", "us-east-1"),
                    text(e, k + ".endpoint", null),
                    text(e, k + ".credentialsSecret", null)));
          }
          case TrafficEndpoint.FILE -> {
            String path = required(e, k + ".path", "the file that names the primary");
            out.add(
                new TrafficEndpoint(
                    type, name, region, null, 0, null, null, null, path, null, null, null, null,
                    null));
          }
          default ->
              problems.add(
                  k + ".type: '" + type + "' is not allowed; use pgbouncer, route53 or file");
        }
      }
      return out;
    }

    private String required(JsonNode node, String key, String what) {
      String value = text(node, key, null);
      if (value == null || value.isBlank()) {
        problems.add(key + ": missing; give " + what);
      }
      return value;
    }

    private long millis(JsonNode node, String key, long fallback, long min, long max) {
      String raw = text(node, key, null);
      if (raw == null) {
        return fallback;
      }
      java.util.regex.Matcher m = DURATION.matcher(raw.trim());
      if (!m.matches()) {
        problems.add(key + ": '" + raw + "' is not a duration; write e.g. 500ms, 30s, 5m or 1h");
        return fallback;
      }
      long n = Long.parseLong(m.group(1));
      long value =
          switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
          };
      if (value < min || value > max) {
        problems.add(
            key + ": " + raw + " is out of range; expected " + min + " ms to " + max + " ms");
        return fallback;
      }
      return value;
    }

    private long longValue(JsonNode node, String key, long fallback, long min, long max) {
      String raw = text(node, key, null);
      if (raw == null) {
        return fallback;
      }
      try {
        long value = Long.parseLong(raw.trim());
        if (value < min || value > max) {
          problems.add(key + ": " + value + " is out of range; expected " + min + "-" + max);
          return fallback;
        }
        return value;
      } catch (NumberFormatException e) {
        problems.add(key + ": '" + raw + "' is not a whole number");
        return fallback;
      }
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
      String dataDir = text(node, key + ".dataDir", null);
      if (dataDir != null) {
        // Relative to the configuration file, like the secrets and key folders.
        dataDir = configDir.resolve(dataDir).normalize().toString();
      }
      String replicationUser = text(node, key + ".replicationUser", null);
      String replicationSecret = text(node, key + ".replicationSecret", null);
      return new NodeSpec(
          name,
          region,
          priority,
          weight,
          host,
          port,
          database,
          user,
          secret,
          dataDir,
          replicationUser,
          replicationSecret);
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
                          + keySegment(field)
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
