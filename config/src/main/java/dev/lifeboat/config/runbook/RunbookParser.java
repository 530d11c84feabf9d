package dev.lifeboat.config.runbook;

import dev.lifeboat.config.runbook.YamlNode.ListNode;
import dev.lifeboat.config.runbook.YamlNode.MapNode;
import dev.lifeboat.config.runbook.YamlNode.Scalar;
import dev.lifeboat.workflows.runbook.ApprovalSpec;
import dev.lifeboat.workflows.runbook.Expectation;
import dev.lifeboat.workflows.runbook.OnFailure;
import dev.lifeboat.workflows.runbook.ParameterBinder;
import dev.lifeboat.workflows.runbook.ParameterType;
import dev.lifeboat.workflows.runbook.RetrySpec;
import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookDurations;
import dev.lifeboat.workflows.runbook.RunbookParameter;
import dev.lifeboat.workflows.runbook.RunbookStep;
import dev.lifeboat.workflows.runbook.StepTypes;
import dev.lifeboat.workflows.runbook.WhenCondition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns one runbook file's YAML into a {@link Runbook}, recording every problem with its line and
 * column instead of stopping at the first. Checks that need the other runbooks (calls to unknown
 * runbooks, cycles) are {@link RunbookLibrary}'s.
 */
final class RunbookParser {

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
  static final List<String> SEVERITIES = List.of("critical", "high", "medium", "low");

  private static final Set<String> TOP_KEYS =
      Set.of(
          "name",
          "description",
          "severity",
          "estimatedTime",
          "parameters",
          "steps",
          "verify",
          "rollbackAfter",
          "decisionTimeout");
  private static final Set<String> PARAMETER_KEYS =
      Set.of("name", "type", "description", "default", "pattern", "allowed", "min", "max");
  private static final Set<String> STEP_KEYS =
      Set.of(
          "id",
          "name",
          "type",
          "with",
          "timeout",
          "retry",
          "expect",
          "onFailure",
          "rollback",
          "approval",
          "parallel",
          "when");
  private static final Set<String> RETRY_KEYS = Set.of("attempts", "backoff");
  private static final Set<String> EXPECT_KEYS = Set.of("contains", "notContains", "matches");
  private static final Set<String> APPROVAL_KEYS =
      Set.of("approvers", "required", "timeout", "escalateTo", "escalationTimeout");

  private final Problems problems;
  private final StepArgumentRules arguments;
  private final Map<String, RunbookParameter> parameters = new LinkedHashMap<>();
  private final Set<String> stepIds = new HashSet<>();
  private final Map<String, YamlNode> whenNodes = new LinkedHashMap<>();

  /** The {@code runbook} steps found, by the called runbook's name, for the library's checks. */
  final List<Call> calls = new ArrayList<>();

  /** A {@code runbook} step calling another runbook, with where it was written. */
  record Call(String runbook, Map<String, Object> params, YamlNode at) {}

  RunbookParser(Problems problems) {
    this.problems = problems;
    this.arguments = new StepArgumentRules(problems);
  }

  Runbook parse(YamlNode root, String expectedName, String source, String contentHash) {
    if (!(root instanceof MapNode top)) {
      problems.add(root, "the top level must be a mapping with keys " + sorted(TOP_KEYS));
      return null;
    }
    checkKeys(top, TOP_KEYS, "runbook");
    String name = requiredText(top, "name");
    if (name != null && !NAME.matcher(name).matches()) {
      problems.add(top.get("name"), "name '" + name + "' must be lower-case letters, digits, -");
    } else if (name != null && expectedName != null && !name.equals(expectedName)) {
      problems.add(
          top.get("name"),
          "name '"
              + name
              + "' differs from the file name "
              + expectedName
              + ".yaml; make them"
              + " the same so 'lifeboat runbook run "
              + expectedName
              + "' finds it");
    }
    String severity = optionalText(top, "severity");
    if (severity != null && !SEVERITIES.contains(severity)) {
      problems.add(top.get("severity"), "severity '" + severity + "' is not one of " + SEVERITIES);
    }
    String estimated = duration(top, "estimatedTime");
    String rollbackAfter = duration(top, "rollbackAfter");
    String decisionTimeout = duration(top, "decisionTimeout");
    List<RunbookParameter> params = parameters(top.get("parameters"));
    YamlNode stepsNode = top.get("steps");
    List<RunbookStep> steps = List.of();
    if (stepsNode == null) {
      problems.add(top, "'steps' is missing; a runbook needs at least one step");
    } else {
      steps = steps(stepsNode, Context.MAIN);
    }
    Set<String> mainIds = Set.copyOf(stepIds);
    stepIds.clear();
    List<RunbookStep> verify =
        top.get("verify") == null ? List.of() : steps(top.get("verify"), Context.VERIFY);
    stepIds.addAll(mainIds);
    checkConditions(steps);
    return new Runbook(
        name,
        optionalText(top, "description"),
        severity,
        estimated,
        params,
        steps,
        verify,
        rollbackAfter,
        decisionTimeout,
        source,
        contentHash);
  }

  // ---- parameters ----

  private List<RunbookParameter> parameters(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof ListNode list)) {
      problems.add(node, "'parameters' must be a list of {name, type, default, ...}");
      return List.of();
    }
    List<RunbookParameter> out = new ArrayList<>();
    for (YamlNode item : list.items()) {
      RunbookParameter parameter = parameter(item);
      if (parameter != null) {
        out.add(parameter);
      }
    }
    return out;
  }

  private RunbookParameter parameter(YamlNode node) {
    if (!(node instanceof MapNode map)) {
      problems.add(node, "a parameter must be a mapping with name and type, not " + node.kind());
      return null;
    }
    checkKeys(map, PARAMETER_KEYS, "parameter");
    String name = requiredText(map, "name");
    if (name == null) {
      return null;
    }
    if (!IDENTIFIER.matcher(name).matches()) {
      problems.add(map.get("name"), "parameter name '" + name + "' must be an identifier");
      return null;
    }
    if (parameters.containsKey(name)) {
      problems.add(map.get("name"), "parameter '" + name + "' is declared twice");
      return null;
    }
    String typeText = requiredText(map, "type");
    ParameterType type = null;
    for (ParameterType candidate : ParameterType.values()) {
      if (candidate.label().equals(typeText)) {
        type = candidate;
      }
    }
    if (typeText != null && type == null) {
      problems.add(
          map.get("type"),
          "parameter type '" + typeText + "' is not one of string, int, bool, duration");
    }
    String pattern = optionalText(map, "pattern");
    if (pattern != null) {
      if (type != ParameterType.STRING) {
        problems.add(map.get("pattern"), "'pattern' applies only to string parameters");
      }
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        problems.add(
            map.get("pattern"), "pattern is not a regular expression: " + e.getDescription());
        pattern = null;
      }
    }
    Long min = optionalLong(map, "min");
    Long max = optionalLong(map, "max");
    if ((min != null || max != null) && type != ParameterType.INT) {
      problems.add(map, "'min' and 'max' apply only to int parameters");
    }
    List<String> allowed = stringList(map.get("allowed"), "allowed");
    YamlNode defaultNode = map.get("default");
    String defaultValue = null;
    if (defaultNode instanceof Scalar scalar && scalar.text() != null) {
      defaultValue = scalar.text();
    } else if (defaultNode != null && !(defaultNode instanceof Scalar)) {
      problems.add(defaultNode, "default must be a single value, not " + defaultNode.kind());
    }
    if (type == null) {
      return null;
    }
    RunbookParameter parameter =
        new RunbookParameter(
            name, type, optionalText(map, "description"), defaultValue, pattern, allowed, min, max);
    if (defaultValue != null) {
      String problem = ParameterBinder.check(parameter, defaultValue);
      if (problem != null) {
        problems.add(defaultNode, "default of " + problem);
      }
    }
    parameters.put(name, parameter);
    return parameter;
  }

  // ---- steps ----

  /** Where a list of steps sits, which limits what its steps may do. */
  enum Context {
    MAIN,
    PARALLEL,
    ROLLBACK,
    VERIFY
  }

  private List<RunbookStep> steps(YamlNode node, Context context) {
    if (!(node instanceof ListNode list)) {
      problems.add(node, "steps must be a list of steps, not " + node.kind());
      return List.of();
    }
    if (list.items().isEmpty()) {
      problems.add(node, "the list of steps is empty; give at least one step");
    }
    List<RunbookStep> out = new ArrayList<>();
    Set<String> localIds = new HashSet<>();
    for (YamlNode item : list.items()) {
      RunbookStep step = step(item, context, localIds);
      if (step != null) {
        out.add(step);
      }
    }
    return out;
  }

  private RunbookStep step(YamlNode node, Context context, Set<String> localIds) {
    if (!(node instanceof MapNode map)) {
      problems.add(node, "a step must be a mapping with id and type, not " + node.kind());
      return null;
    }
    checkKeys(map, STEP_KEYS, "step");
    String id = requiredText(map, "id");
    if (id != null && !NAME.matcher(id).matches()) {
      problems.add(map.get("id"), "step id '" + id + "' must be lower-case letters, digits, -");
    } else if (id != null) {
      // Rollback steps are named <step>.rollback.<id>, so only ids in one block must differ.
      Set<String> scope = context == Context.ROLLBACK ? localIds : stepIds;
      if (!scope.add(id)) {
        problems.add(map.get("id"), "step id '" + id + "' is used twice; ids must be unique");
      }
    }
    String type = requiredText(map, "type");
    if (type != null && !StepTypes.ALL.contains(type)) {
      problems.add(
          map.get("type"),
          "unknown step type '" + type + "'; use one of " + String.join(", ", StepTypes.ALL));
      type = null;
    }
    String timeout = duration(map, "timeout");
    RetrySpec retry = retry(map.get("retry"));
    Expectation expect = expectation(map.get("expect"));
    OnFailure onFailure = onFailure(map.get("onFailure"));
    ApprovalSpec approval = approval(map.get("approval"));
    String when = optionalText(map, "when");
    if (when != null) {
      try {
        WhenCondition.parse(when);
        whenNodes.put(id, map.get("when"));
      } catch (IllegalArgumentException e) {
        problems.add(map.get("when"), e.getMessage());
        when = null;
      }
    }
    if (StepTypes.APPROVAL.equals(type) && approval == null) {
      problems.add(map, "step " + id + " of type approval needs an 'approval' block");
    }
    if (context == Context.ROLLBACK && (approval != null || map.get("rollback") != null)) {
      problems.add(map, "a rollback step cannot itself have 'approval' or 'rollback'");
    }
    List<RunbookStep> parallel = List.of();
    YamlNode parallelNode = map.get("parallel");
    if (StepTypes.PARALLEL.equals(type)) {
      if (context == Context.PARALLEL || context == Context.ROLLBACK) {
        problems.add(map.get("type"), "a parallel group cannot sit inside a group or a rollback");
      }
      if (parallelNode == null) {
        problems.add(map, "step " + id + " of type parallel needs a 'parallel' list of steps");
      } else {
        parallel = steps(parallelNode, Context.PARALLEL);
      }
    } else if (parallelNode != null) {
      problems.add(parallelNode, "'parallel' belongs only to steps of type parallel");
    }
    List<RunbookStep> rollback =
        map.get("rollback") == null ? List.of() : steps(map.get("rollback"), Context.ROLLBACK);
    Map<String, Object> with = Map.of();
    YamlNode withNode = map.get("with");
    if (type != null) {
      with = arguments.check(type, withNode, map, parameters.keySet());
      if (StepTypes.RUNBOOK.equals(type) && with.get("runbook") instanceof String called) {
        Object params = with.get("params");
        calls.add(
            new Call(
                called,
                params instanceof Map<?, ?> m ? stringKeyed(m) : Map.of(),
                withNode == null ? map : withNode));
      }
    }
    return new RunbookStep(
        id,
        optionalText(map, "name"),
        type,
        with,
        timeout,
        retry,
        expect,
        onFailure,
        rollback,
        approval,
        parallel,
        when);
  }

  private RetrySpec retry(YamlNode node) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof MapNode map)) {
      problems.add(node, "retry must be a mapping {attempts: 3, backoff: 5s}");
      return null;
    }
    checkKeys(map, RETRY_KEYS, "retry");
    Long attempts = optionalLong(map, "attempts");
    if (attempts == null || attempts < 1 || attempts > 100) {
      problems.add(map, "retry.attempts must be a whole number from 1 to 100");
      attempts = 1L;
    }
    return new RetrySpec(attempts.intValue(), duration(map, "backoff"));
  }

  private Expectation expectation(YamlNode node) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof MapNode map)) {
      problems.add(node, "expect must be a mapping with contains, notContains or matches");
      return null;
    }
    checkKeys(map, EXPECT_KEYS, "expect");
    if (map.entries().isEmpty()) {
      problems.add(map, "expect needs at least one of contains, notContains, matches");
    }
    String matches = optionalText(map, "matches");
    if (matches != null) {
      try {
        Pattern.compile(matches);
      } catch (PatternSyntaxException e) {
        problems.add(
            map.get("matches"),
            "expect.matches is not a regular expression: " + e.getDescription());
        matches = null;
      }
    }
    return new Expectation(
        optionalText(map, "contains"), optionalText(map, "notContains"), matches);
  }

  private OnFailure onFailure(YamlNode node) {
    if (node == null) {
      return OnFailure.ABORT;
    }
    String text = node instanceof Scalar s ? s.text() : null;
    for (OnFailure candidate : OnFailure.values()) {
      if (candidate.label().equals(text)) {
        return candidate;
      }
    }
    problems.add(node, "onFailure must be abort, continue or rollback, not '" + text + "'");
    return OnFailure.ABORT;
  }

  private ApprovalSpec approval(YamlNode node) {
    if (node == null) {
      return null;
    }
    if (!(node instanceof MapNode map)) {
      problems.add(
          node, "approval must be a mapping {approvers: [...], required: 1, timeout: 15m}");
      return null;
    }
    checkKeys(map, APPROVAL_KEYS, "approval");
    List<String> approvers = stringList(map.get("approvers"), "approval.approvers");
    List<String> escalateTo = stringList(map.get("escalateTo"), "approval.escalateTo");
    Long required = optionalLong(map, "required");
    int count = required == null ? 1 : required.intValue();
    if (count < 1) {
      problems.add(map.get("required"), "approval.required must be at least 1");
    } else if (!approvers.isEmpty() && count > approvers.size() + escalateTo.size()) {
      problems.add(
          map.get("required"),
          "approval.required is "
              + count
              + " but only "
              + (approvers.size() + escalateTo.size())
              + " people may approve");
    }
    return new ApprovalSpec(
        approvers, count, duration(map, "timeout"), escalateTo, duration(map, "escalationTimeout"));
  }

  /** Checks that {@code when} refers to declared parameters and to earlier steps only. */
  private void checkConditions(List<RunbookStep> steps) {
    Set<String> earlier = new HashSet<>();
    checkConditions(steps, earlier);
  }

  private void checkConditions(List<RunbookStep> steps, Set<String> earlier) {
    for (RunbookStep step : steps) {
      if (step.when() != null) {
        WhenCondition condition = WhenCondition.parse(step.when());
        if (condition.parameter() != null && !parameters.containsKey(condition.parameter())) {
          problems.add(
              whenNodes.get(step.id()),
              "step "
                  + step.id()
                  + ": when refers to undeclared parameter '"
                  + condition.parameter()
                  + "'");
        }
        if (condition.stepId() != null && !earlier.contains(condition.stepId())) {
          problems.add(
              whenNodes.get(step.id()),
              "step "
                  + step.id()
                  + ": when refers to step '"
                  + condition.stepId()
                  + "', which does not run before it");
        }
      }
      checkConditions(step.parallel(), new HashSet<>(earlier));
      earlier.add(step.id());
    }
  }

  // ---- small readers ----

  void checkKeys(MapNode map, Set<String> allowed, String what) {
    for (String key : map.entries().keySet()) {
      if (!allowed.contains(key)) {
        int[] at = map.keys().get(key);
        problems.add(
            at[0], at[1], "unknown key '" + key + "' in " + what + "; allowed: " + sorted(allowed));
      }
    }
  }

  private String requiredText(MapNode map, String key) {
    YamlNode node = map.get(key);
    if (node == null) {
      problems.add(map, "'" + key + "' is missing");
      return null;
    }
    if (!(node instanceof Scalar s) || s.text() == null || s.text().isBlank()) {
      problems.add(node, "'" + key + "' must be a non-empty value, not " + node.kind());
      return null;
    }
    return s.text();
  }

  private String optionalText(MapNode map, String key) {
    YamlNode node = map.get(key);
    if (node == null) {
      return null;
    }
    if (!(node instanceof Scalar s)) {
      problems.add(node, "'" + key + "' must be a single value, not " + node.kind());
      return null;
    }
    return s.text();
  }

  private Long optionalLong(MapNode map, String key) {
    YamlNode node = map.get(key);
    if (node == null) {
      return null;
    }
    if (node instanceof Scalar s && "int".equals(s.type())) {
      return Long.parseLong(s.text());
    }
    problems.add(node, "'" + key + "' must be a whole number, not " + node.kind());
    return null;
  }

  private String duration(MapNode map, String key) {
    String text = optionalText(map, key);
    if (text != null && !RunbookDurations.isValid(text)) {
      problems.add(
          map.get(key),
          "'" + key + "' = '" + text + "' is not a duration; write e.g. 30s, 5m, 1h30m");
      return null;
    }
    return text;
  }

  private List<String> stringList(YamlNode node, String what) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof ListNode list)) {
      problems.add(node, "'" + what + "' must be a list, not " + node.kind());
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (YamlNode item : list.items()) {
      if (item instanceof Scalar s && s.text() != null) {
        out.add(s.text());
      } else {
        problems.add(item, "'" + what + "' may hold only single values, not " + item.kind());
      }
    }
    return out;
  }

  private static Map<String, Object> stringKeyed(Map<?, ?> map) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }

  static String sorted(Set<String> keys) {
    return keys.stream().sorted().toList().toString();
  }
}
