package dev.lifeboat.config.runbook;

import dev.lifeboat.config.runbook.YamlNode.ListNode;
import dev.lifeboat.config.runbook.YamlNode.MapNode;
import dev.lifeboat.config.runbook.YamlNode.Scalar;
import dev.lifeboat.workflows.runbook.ArgumentResolver;
import dev.lifeboat.workflows.runbook.RunbookDurations;
import dev.lifeboat.workflows.runbook.StepTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The arguments ({@code with}) each step type takes, declared once: which keys, which are required,
 * what their values must look like, and where a {@code ${param}} may stand. The same table is in
 * docs/runbooks.md and runbook.schema.json.
 */
final class StepArgumentRules {

  /** Actions of the {@code postgres} step type. */
  static final List<String> POSTGRES_ACTIONS =
      List.of(
          "find-backup",
          "restore-table",
          "promote",
          "set-read-only",
          "terminate-backends",
          "top-statements");

  /** Actions of the {@code traffic} step type. */
  static final List<String> TRAFFIC_ACTIONS = List.of("pause", "resume", "retarget");

  /** Commands of the {@code redis} step type. */
  static final List<String> REDIS_COMMANDS =
      List.of("ping", "info", "flush", "flag-get", "flag-set");

  private static final Set<String> SHELLS =
      Set.of("sh", "bash", "zsh", "dash", "ksh", "fish", "/bin/sh", "/bin/bash");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
  private static final Pattern WRITE_SQL =
      Pattern.compile(
          "(?is)^\\s*(insert|update|delete|alter|drop|truncate|create|grant|revoke|vacuum|reindex"
              + "|cluster|copy|lock|comment|refresh|set\\s+(?!transaction\\s+read\\s+only))\\b.*");

  private record Rule(Set<String> allowed, Set<String> required) {}

  private static final Map<String, Rule> RULES =
      Map.ofEntries(
          Map.entry(
              StepTypes.SQL,
              new Rule(
                  Set.of("target", "query", "params", "identifiers", "write"), Set.of("query"))),
          Map.entry(
              StepTypes.POSTGRES,
              new Rule(
                  Set.of(
                      "action",
                      "target",
                      "tables",
                      "targetTime",
                      "backup",
                      "destination",
                      "scratchPort",
                      "readOnly",
                      "olderThan",
                      "database",
                      "user",
                      "limit"),
                  Set.of("action"))),
          Map.entry(StepTypes.COMMAND, new Rule(Set.of("argv", "env", "workdir"), Set.of("argv"))),
          Map.entry(
              StepTypes.HTTP,
              new Rule(Set.of("url", "method", "body", "headers", "expectStatus"), Set.of("url"))),
          Map.entry(
              StepTypes.REDIS,
              new Rule(
                  Set.of("url", "command", "flag", "value", "section", "database"),
                  Set.of("url", "command"))),
          Map.entry(
              StepTypes.TRAFFIC,
              new Rule(Set.of("action", "endpoint", "target"), Set.of("action", "target"))),
          Map.entry(
              StepTypes.CACHE_WARMUP,
              new Rule(Set.of("target", "queries", "argv", "env", "workdir"), Set.of())),
          Map.entry(
              StepTypes.KUBERNETES,
              new Rule(Set.of("context", "namespace", "args"), Set.of("context", "args"))),
          Map.entry(StepTypes.WAIT, new Rule(Set.of("duration"), Set.of("duration"))),
          Map.entry(StepTypes.APPROVAL, new Rule(Set.of(), Set.of())),
          Map.entry(StepTypes.RUNBOOK, new Rule(Set.of("runbook", "params"), Set.of("runbook"))),
          Map.entry(StepTypes.PARALLEL, new Rule(Set.of(), Set.of())));

  private final Problems problems;

  StepArgumentRules(Problems problems) {
    this.problems = problems;
  }

  /** Checks a step's {@code with} for its type and returns it as plain Java values. */
  Map<String, Object> check(String type, YamlNode withNode, MapNode step, Set<String> params) {
    Rule rule = RULES.get(type);
    if (withNode == null) {
      for (String key : rule.required()) {
        problems.add(step, "step of type " + type + " needs 'with." + key + "'");
      }
      if (StepTypes.CACHE_WARMUP.equals(type)) {
        problems.add(step, "step of type cache-warmup needs 'with.queries' or 'with.argv'");
      }
      return Map.of();
    }
    if (!(withNode instanceof MapNode with)) {
      problems.add(withNode, "'with' must be a mapping of arguments, not " + withNode.kind());
      return Map.of();
    }
    if (rule.allowed().isEmpty() && !with.entries().isEmpty()) {
      problems.add(with, "a step of type " + type + " takes no 'with' arguments");
      return Map.of();
    }
    for (String key : with.entries().keySet()) {
      if (!rule.allowed().contains(key)) {
        int[] at = with.keys().get(key);
        problems.add(
            at[0],
            at[1],
            "unknown argument '"
                + key
                + "' for a "
                + type
                + " step; allowed: "
                + RunbookParser.sorted(rule.allowed()));
      }
    }
    for (String key : rule.required()) {
      if (with.get(key) == null) {
        problems.add(with, "step of type " + type + " needs 'with." + key + "'");
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    with.entries().forEach((key, node) -> values.put(key, plain(node)));
    checkPlaceholders(with, "with", params);
    switch (type) {
      case StepTypes.SQL -> sql(with);
      case StepTypes.COMMAND -> argv(with.get("argv"), true, with.get("env"));
      case StepTypes.KUBERNETES -> stringListRequired(with.get("args"), "args");
      case StepTypes.HTTP -> http(with);
      case StepTypes.REDIS -> oneOf(with.get("command"), REDIS_COMMANDS, "redis command");
      case StepTypes.POSTGRES -> postgres(with);
      case StepTypes.TRAFFIC -> oneOf(with.get("action"), TRAFFIC_ACTIONS, "traffic action");
      case StepTypes.CACHE_WARMUP -> cacheWarmup(with);
      case StepTypes.WAIT -> wait(with.get("duration"));
      case StepTypes.RUNBOOK -> noPlaceholder(with.get("runbook"), "the called runbook's name");
      default -> {}
    }
    return values;
  }

  private void sql(MapNode with) {
    YamlNode query = with.get("query");
    noPlaceholder(
        query,
        "an SQL query; pass values in 'params' and write ? in the query, or name tables in 'identifiers' and write {name}");
    boolean write = with.get("write") instanceof Scalar s && "true".equals(s.text());
    if (!write
        && query instanceof Scalar q
        && q.text() != null
        && WRITE_SQL.matcher(q.text()).matches()) {
      problems.add(
          query,
          "this query changes data but the step is read-only; add 'write: true' if that is meant");
    }
    if (with.get("params") != null) {
      stringListRequired(with.get("params"), "params");
    }
    YamlNode identifiers = with.get("identifiers");
    if (identifiers != null && !(identifiers instanceof MapNode)) {
      problems.add(identifiers, "identifiers must map names used as {name} in the query to tables");
    } else if (identifiers instanceof MapNode names
        && query instanceof Scalar q
        && q.text() != null) {
      for (String name : names.entries().keySet()) {
        if (!q.text().contains("{" + name + "}")) {
          problems.add(
              names, "identifier '" + name + "' is not used as {" + name + "} in the query");
        }
      }
    }
  }

  private void argv(YamlNode argv, boolean required, YamlNode env) {
    List<String> items = stringListRequired(argv, "argv");
    if (!items.isEmpty()) {
      YamlNode first = ((ListNode) argv).items().get(0);
      if (ArgumentResolver.ANY.matcher(items.get(0)).find()) {
        problems.add(first, "argv[0], the program, must be written out, not a parameter");
      } else if (SHELLS.contains(items.get(0))
          && items.stream().anyMatch(a -> a.startsWith("-c") || a.equals("-lc"))) {
        problems.add(
            first,
            "argv[0] is '"
                + items.get(0)
                + "' with -c: a shell would parse a command string and undo the"
                + " whole-argument substitution; call the program (or a script file) directly");
      }
    }
    if (env != null) {
      for (String name : stringListRequired(env, "env")) {
        if (!ENV_NAME.matcher(name).matches()) {
          problems.add(
              env, "env lists names of variables to pass on, like PATH; '" + name + "' is not one");
        }
      }
    }
  }

  private void http(MapNode with) {
    if (with.get("url") instanceof Scalar url
        && url.text() != null
        && ArgumentResolver.placeholder(url.text()) == null
        && !url.text().matches("https?://\\S+")) {
      problems.add(url, "url '" + url.text() + "' is not an http:// or https:// URL");
    }
    if (with.get("method") != null) {
      oneOf(with.get("method"), List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"), "method");
    }
    YamlNode status = with.get("expectStatus");
    if (status != null && !(status instanceof Scalar s && "int".equals(s.type()))) {
      problems.add(status, "expectStatus must be an HTTP status such as 200");
    }
  }

  private void postgres(MapNode with) {
    String action = oneOf(with.get("action"), POSTGRES_ACTIONS, "postgres action");
    if ("find-backup".equals(action) && with.get("targetTime") == null) {
      problems.add(
          with, "find-backup needs 'targetTime', the instant the data was last known good");
    }
    if ("restore-table".equals(action)) {
      stringListRequired(with.get("tables"), "tables");
      if (with.get("targetTime") == null && with.get("backup") == null) {
        problems.add(with, "restore-table needs 'targetTime' or 'backup'");
      }
    }
  }

  private void cacheWarmup(MapNode with) {
    boolean queries = with.get("queries") != null;
    boolean argv = with.get("argv") != null;
    if (queries == argv) {
      problems.add(with, "cache-warmup takes either 'queries' (a list of SQL) or 'argv'");
      return;
    }
    if (queries) {
      stringListRequired(with.get("queries"), "queries");
      noPlaceholder(with.get("queries"), "warm-up queries");
    } else {
      argv(with.get("argv"), true, with.get("env"));
    }
  }

  private void wait(YamlNode duration) {
    if (duration instanceof Scalar s
        && s.text() != null
        && ArgumentResolver.placeholder(s.text()) == null
        && !RunbookDurations.isValid(s.text())) {
      problems.add(duration, "'" + s.text() + "' is not a duration; write e.g. 30s, 5m");
    }
  }

  private String oneOf(YamlNode node, List<String> allowed, String what) {
    if (node == null) {
      return null;
    }
    String text = node instanceof Scalar s ? s.text() : null;
    if (!allowed.contains(text)) {
      problems.add(node, what + " '" + text + "' is not one of " + allowed);
      return null;
    }
    return text;
  }

  private List<String> stringListRequired(YamlNode node, String what) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof ListNode list) || list.items().isEmpty()) {
      problems.add(
          node,
          "'"
              + what
              + "' must be a non-empty list of single values (one per argument), not "
              + (node instanceof ListNode ? "an empty list" : node.kind()));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (YamlNode item : list.items()) {
      if (item instanceof Scalar s && s.text() != null) {
        out.add(s.text());
      } else {
        problems.add(item, "'" + what + "' items must be single values, not " + item.kind());
      }
    }
    return out;
  }

  private void noPlaceholder(YamlNode node, String what) {
    if (node instanceof Scalar s
        && s.text() != null
        && ArgumentResolver.ANY.matcher(s.text()).find()) {
      problems.add(node, "no ${...} in " + what);
    } else if (node instanceof ListNode list) {
      list.items().forEach(item -> noPlaceholder(item, what));
    }
  }

  /** Whole-argument substitution only, and only of declared parameters. */
  private void checkPlaceholders(YamlNode node, String path, Set<String> params) {
    if (path.startsWith("with.query")) {
      return; // reported once, by the rule that no placeholder may stand in SQL text
    }
    if (node instanceof Scalar s && s.text() != null && s.text().contains("${")) {
      String name = ArgumentResolver.placeholder(s.text());
      if (name == null) {
        problems.add(
            node,
            path
                + " = '"
                + s.text()
                + "': parameters are substituted only as whole values;"
                + " write the parameter alone ('${name}') as its own argument");
      } else if (!params.contains(name)) {
        problems.add(
            node,
            path + " uses undeclared parameter '" + name + "'; declare it under" + " 'parameters'");
      }
    } else if (node instanceof ListNode list) {
      for (int i = 0; i < list.items().size(); i++) {
        checkPlaceholders(list.items().get(i), path + "[" + i + "]", params);
      }
    } else if (node instanceof MapNode map) {
      map.entries().forEach((k, v) -> checkPlaceholders(v, path + "." + k, params));
    }
  }

  /**
   * A YAML integer as written ({@code 12}, {@code -3}, {@code 1_000}, {@code 0x1F}, {@code 0o17}),
   * or null when it does not fit in a long.
   */
  static Long yamlInteger(String text) {
    String digits = text.replace("_", "");
    int sign = 1;
    if (digits.startsWith("-") || digits.startsWith("+")) {
      sign = digits.startsWith("-") ? -1 : 1;
      digits = digits.substring(1);
    }
    int radix = 10;
    if (digits.startsWith("0x") || digits.startsWith("0X")) {
      radix = 16;
      digits = digits.substring(2);
    } else if (digits.startsWith("0o") || digits.startsWith("0O")) {
      radix = 8;
      digits = digits.substring(2);
    } else if (digits.startsWith("0b") || digits.startsWith("0B")) {
      radix = 2;
      digits = digits.substring(2);
    }
    try {
      return sign * Long.parseLong(digits, radix);
    } catch (NumberFormatException tooLargeOrNotAnInteger) {
      return null;
    }
  }

  /** Converts a node to strings, booleans, integers, lists and maps. */
  static Object plain(YamlNode node) {
    if (node instanceof Scalar s) {
      if (s.text() == null) {
        return "";
      }
      return switch (s.type()) {
        case "bool" -> Boolean.valueOf(s.text());
        case "int" -> {
          Long value = yamlInteger(s.text());
          if (value == null) {
            // Beyond a long (or a form Java does not read): kept as the text it was written as.
            yield s.text();
          }
          yield value == value.intValue() ? (Object) value.intValue() : (Object) value;
        }
        default -> s.text();
      };
    }
    if (node instanceof ListNode list) {
      return list.items().stream().map(StepArgumentRules::plain).toList();
    }
    MapNode map = (MapNode) node;
    Map<String, Object> out = new LinkedHashMap<>();
    map.entries().forEach((k, v) -> out.put(k, plain(v)));
    return out;
  }
}
