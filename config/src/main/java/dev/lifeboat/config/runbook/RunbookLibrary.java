package dev.lifeboat.config.runbook;

import dev.lifeboat.workflows.runbook.ArgumentResolver;
import dev.lifeboat.workflows.runbook.ParameterBinder;
import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookParameter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The runbooks of one folder ({@code runbooks-yaml/}), each validated, with the calls between them
 * checked: every called runbook exists, gets its required parameters, and no chain of calls comes
 * back to where it started. A run is only ever started from a library that loaded without a
 * problem.
 */
public final class RunbookLibrary {

  /** Environment variable naming the runbook folder. */
  public static final String DIR_ENV = "LIFEBOAT_RUNBOOKS";

  /** The folder used when neither a flag nor {@link #DIR_ENV} names one. */
  public static final String DEFAULT_DIR = "runbooks-yaml";

  private final Map<String, Runbook> runbooks;

  private RunbookLibrary(Map<String, Runbook> runbooks) {
    this.runbooks = java.util.Collections.unmodifiableMap(new TreeMap<>(runbooks));
  }

  /** One parsed file: the runbook (when it parsed at all), its calls and its problems. */
  private record Parsed(
      Path file, Runbook runbook, List<RunbookParser.Call> calls, Problems problems) {}

  /**
   * Loads every {@code *.yaml} file of a folder.
   *
   * @throws RunbookException with every problem of every file
   */
  public static RunbookLibrary load(Path dir) {
    Map<String, Parsed> parsed = parseFolder(dir);
    List<RunbookProblem> problems = new ArrayList<>();
    parsed.values().forEach(p -> problems.addAll(p.problems().list()));
    for (Parsed p : parsed.values()) {
      problems.addAll(checkCalls(p, parsed));
      if (p.runbook() != null && p.runbook().name() != null) {
        problems.addAll(cycles(p, parsed));
      }
    }
    if (!problems.isEmpty()) {
      throw new RunbookException(problems);
    }
    Map<String, Runbook> byName = new TreeMap<>();
    parsed.values().forEach(p -> byName.put(p.runbook().name(), p.runbook()));
    return new RunbookLibrary(byName);
  }

  /**
   * Loads one file, resolving the runbooks it calls from the files beside it. Problems in sibling
   * files that this one does not call are not reported.
   *
   * @throws RunbookException with every problem of the file and of its calls
   */
  public static Runbook loadFile(Path file) {
    Path dir = file.getParent() == null ? Path.of(".") : file.getParent();
    Map<String, Parsed> siblings = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path other : files.filter(RunbookLibrary::isRunbookFile).sorted().toList()) {
        if (!other.toAbsolutePath().equals(file.toAbsolutePath())) {
          Parsed p = parse(other);
          if (p.problems().isEmpty()) {
            siblings.put(p.runbook().name(), p);
          }
        }
      }
    } catch (IOException e) {
      // Without siblings the file still validates; calls into them are then reported as unknown.
    }
    Parsed target = parse(file);
    List<RunbookProblem> problems = new ArrayList<>(target.problems().list());
    if (target.runbook() != null && target.runbook().name() != null) {
      siblings.put(target.runbook().name(), target);
      problems.addAll(checkCalls(target, siblings));
      problems.addAll(cycles(target, siblings));
    }
    if (!problems.isEmpty()) {
      throw new RunbookException(problems);
    }
    return target.runbook();
  }

  /** Returns the named runbook. */
  public Runbook get(String name) {
    Runbook runbook = runbooks.get(name);
    if (runbook == null) {
      throw new IllegalArgumentException(
          "no runbook '" + name + "'; the folder has " + runbooks.keySet());
    }
    return runbook;
  }

  /** Every runbook, by name, sorted. */
  public Map<String, Runbook> all() {
    return runbooks;
  }

  /** The runbooks a run of the named one may call, directly or through others, by name. */
  public Map<String, Runbook> calledFrom(String name) {
    Map<String, Runbook> out = new TreeMap<>();
    collectCalls(get(name), out);
    return out;
  }

  private void collectCalls(Runbook runbook, Map<String, Runbook> out) {
    for (String called : RunbookCalls.of(runbook)) {
      if (!out.containsKey(called) && runbooks.containsKey(called)) {
        out.put(called, runbooks.get(called));
        collectCalls(runbooks.get(called), out);
      }
    }
  }

  /** Finds the folder: the given path, else {@code $LIFEBOAT_RUNBOOKS}, else ./runbooks-yaml. */
  public static Path locate(Path explicit, Map<String, String> environment) {
    if (explicit != null) {
      return explicit;
    }
    String fromEnv = environment.get(DIR_ENV);
    return Path.of(fromEnv == null || fromEnv.isBlank() ? DEFAULT_DIR : fromEnv);
  }

  private static Map<String, Parsed> parseFolder(Path dir) {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(RunbookLibrary::isRunbookFile).sorted().toList();
    } catch (NoSuchFileException e) {
      throw new RunbookException(
          List.of(
              new RunbookProblem(
                  dir.toString(), 1, 1, "folder not found; pass --dir or set " + DIR_ENV)));
    } catch (IOException e) {
      throw new RunbookException(
          List.of(new RunbookProblem(dir.toString(), 1, 1, "cannot list: " + e.getMessage())));
    }
    Map<String, Parsed> parsed = new LinkedHashMap<>();
    for (Path file : files) {
      Parsed p = parse(file);
      String key =
          p.runbook() != null && p.runbook().name() != null ? p.runbook().name() : file.toString();
      parsed.put(key, p);
    }
    return parsed;
  }

  private static boolean isRunbookFile(Path path) {
    String name = path.getFileName().toString();
    return Files.isRegularFile(path) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  private static Parsed parse(Path file) {
    Problems problems = new Problems(file.toString());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      problems.add(1, 1, "cannot be read: " + e.getMessage());
      return new Parsed(file, null, List.of(), problems);
    }
    YamlNode root = new YamlTreeReader(problems).read(new String(bytes, StandardCharsets.UTF_8));
    if (root == null) {
      return new Parsed(file, null, List.of(), problems);
    }
    String fileName = file.getFileName().toString();
    String expected = fileName.substring(0, fileName.lastIndexOf('.'));
    RunbookParser parser = new RunbookParser(problems);
    Runbook runbook = parser.parse(root, expected, file.toString(), sha256(bytes));
    return new Parsed(file, runbook, parser.calls, problems);
  }

  private static List<RunbookProblem> checkCalls(Parsed caller, Map<String, Parsed> known) {
    Problems problems = new Problems(caller.file().toString());
    for (RunbookParser.Call call : caller.calls()) {
      Parsed callee = known.get(call.runbook());
      if (callee == null || callee.runbook() == null) {
        problems.add(
            call.at(),
            "calls runbook '"
                + call.runbook()
                + "', which is not in the folder; known: "
                + known.keySet().stream().filter(k -> !k.contains("/")).sorted().toList());
        continue;
      }
      List<RunbookParameter> declared = callee.runbook().parameters();
      for (Map.Entry<String, Object> given : call.params().entrySet()) {
        RunbookParameter parameter =
            declared.stream().filter(p -> p.name().equals(given.getKey())).findFirst().orElse(null);
        if (parameter == null) {
          problems.add(
              call.at(),
              "runbook '" + call.runbook() + "' has no parameter '" + given.getKey() + "'");
        } else if (ArgumentResolver.placeholder(String.valueOf(given.getValue())) == null) {
          String problem = ParameterBinder.check(parameter, String.valueOf(given.getValue()));
          if (problem != null) {
            problems.add(call.at(), "call of runbook '" + call.runbook() + "': " + problem);
          }
        }
      }
      for (RunbookParameter parameter : declared) {
        if (parameter.required() && !call.params().containsKey(parameter.name())) {
          problems.add(
              call.at(),
              "call of runbook '"
                  + call.runbook()
                  + "' misses required parameter '"
                  + parameter.name()
                  + "'");
        }
      }
    }
    return problems.list();
  }

  /**
   * Reports every chain of calls from the given runbook that comes back to a runbook already on the
   * chain, at the call in the given runbook's own file that leads into it.
   */
  private static List<RunbookProblem> cycles(Parsed start, Map<String, Parsed> known) {
    List<RunbookProblem> problems = new ArrayList<>();
    for (RunbookParser.Call first : start.calls()) {
      LinkedHashSet<String> path = new LinkedHashSet<>();
      path.add(start.runbook().name());
      String cycle = findCycle(first.runbook(), known, path);
      if (cycle != null) {
        problems.add(
            new RunbookProblem(
                start.file().toString(),
                first.at().line(),
                first.at().column(),
                "runbook calls form a cycle: "
                    + cycle
                    + "; a runbook may not call itself, directly or through others"));
      }
    }
    return problems;
  }

  /** Follows calls depth first; returns the first cycle found as "a -> b -> a", or null. */
  private static String findCycle(
      String next, Map<String, Parsed> known, LinkedHashSet<String> path) {
    if (path.contains(next)) {
      List<String> chain = new ArrayList<>(path);
      chain = new ArrayList<>(chain.subList(chain.indexOf(next), chain.size()));
      chain.add(next);
      return String.join(" -> ", chain);
    }
    Parsed callee = known.get(next);
    if (callee == null || callee.runbook() == null) {
      return null;
    }
    path.add(next);
    for (RunbookParser.Call call : callee.calls()) {
      String cycle = findCycle(call.runbook(), known, path);
      if (cycle != null) {
        return cycle;
      }
    }
    path.remove(next);
    return null;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
