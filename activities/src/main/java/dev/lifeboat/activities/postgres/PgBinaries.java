package dev.lifeboat.activities.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the PostgreSQL programs of one major version, for the tools that must match the server they
 * work on: {@code pg_basebackup} refuses a server newer than itself, {@code pg_combinebackup}
 * combines only backups of its own version, and {@code pg_ctl} starts only its own {@code
 * postgres}. {@link PgTools} keeps finding "any" version for the tools that do not care.
 *
 * <p>Folders are tried in this order, and a program counts only when its {@code --version} says
 * that major version: {@code LIFEBOAT_PG<major>_BIN}, {@code LIFEBOAT_PG_BIN}, Debian's {@code
 * /usr/lib/postgresql/<major>/bin}, {@code $LIFEBOAT_TOOLS/pg<major>/bin} when that variable is
 * set, else {@code .tools/pg<major>/bin} in the nearest folder above the working directory that has
 * a {@code .tools} ({@code scripts/install.sh pg18} puts PostgreSQL 18 there), and every folder of
 * the {@code PATH}.
 */
public final class PgBinaries {

  /** The programs of a major version are not installed where {@link PgBinaries} looks. */
  public static final class MissingException extends IOException {
    MissingException(String message) {
      super(message);
    }
  }

  private static final Pattern VERSION =
      Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

  /** What {@code --version} said per program path; asking costs a process each time. */
  private static final Map<Path, Integer> MAJORS = new ConcurrentHashMap<>();

  private PgBinaries() {}

  /**
   * The path of a program of PostgreSQL {@code major}.
   *
   * @throws MissingException saying where it was looked for and how to install it
   */
  public static Path find(int major, String program) throws MissingException {
    List<Path> folders = folders(major, System.getenv(), Path.of("").toAbsolutePath());
    for (Path folder : folders) {
      Path candidate = folder.resolve(program);
      if (Files.isExecutable(candidate) && majorOfProgram(candidate) == major) {
        return candidate;
      }
    }
    throw new MissingException(missingMessage(major, program, folders));
  }

  /**
   * The program of PostgreSQL {@code major} when it is installed, else whatever {@link PgTools}
   * finds: for callers that worked with any version before and must keep working so.
   */
  public static Path findOrAny(int major, String program) {
    try {
      return find(major, program);
    } catch (MissingException e) {
      return PgTools.find(program);
    }
  }

  /**
   * The program matching a data directory's {@code PG_VERSION}, else whatever {@link PgTools} finds
   * (the directory is empty, or its version's programs are not installed).
   */
  public static Path forDataDirectory(Path dataDirectory, String program) {
    OptionalInt major = majorOfDataDirectory(dataDirectory);
    return major.isPresent() ? findOrAny(major.getAsInt(), program) : PgTools.find(program);
  }

  /** The major version in a data directory's {@code PG_VERSION} file, if it has one. */
  public static OptionalInt majorOfDataDirectory(Path dataDirectory) {
    try {
      String text = Files.readString(dataDirectory.resolve("PG_VERSION"), StandardCharsets.UTF_8);
      return OptionalInt.of(Integer.parseInt(text.strip().split("\\.")[0]));
    } catch (IOException | NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /** The major version of a {@code server_version_num}: 180001 is 18, 150014 is 15. */
  public static int majorOfServer(int serverVersionNum) {
    return serverVersionNum / 10000;
  }

  /**
   * The major version in a program's {@code --version} line ({@code pg_basebackup (PostgreSQL)
   * 18.6} is 18), or -1 when the line says none.
   */
  static int majorOf(String versionLine) {
    Matcher matcher = VERSION.matcher(versionLine == null ? "" : versionLine);
    if (!matcher.find()) {
      return -1;
    }
    int first = Integer.parseInt(matcher.group(1));
    // Before PostgreSQL 10 the major version had two parts (9.6); none of them has what we need.
    return first < 10 && matcher.group(2) != null
        ? first * 100 + Integer.parseInt(matcher.group(2))
        : first;
  }

  /** The folders to look in, in order, without duplicates. */
  static List<Path> folders(int major, Map<String, String> env, Path workingDirectory) {
    Set<Path> folders = new LinkedHashSet<>();
    for (String variable : List.of("LIFEBOAT_PG" + major + "_BIN", "LIFEBOAT_PG_BIN")) {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        folders.add(Path.of(value));
      }
    }
    folders.add(Path.of("/usr/lib/postgresql", String.valueOf(major), "bin"));
    String tools = env.get("LIFEBOAT_TOOLS");
    if (tools != null && !tools.isBlank()) {
      folders.add(Path.of(tools, "pg" + major, "bin"));
    } else {
      for (Path dir = workingDirectory; dir != null; dir = dir.getParent()) {
        if (Files.isDirectory(dir.resolve(".tools"))) {
          folders.add(dir.resolve(".tools").resolve("pg" + major).resolve("bin"));
          break;
        }
      }
    }
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        folders.add(Path.of(dir));
      }
    }
    return new ArrayList<>(folders);
  }

  /** Where {@code program} of PostgreSQL {@code major} was looked for, and how to install it. */
  static String missingMessage(int major, String program, List<Path> folders) {
    return program
        + " of PostgreSQL "
        + major
        + " is not installed on this worker (looked in "
        + String.join(", ", folders.stream().map(Path::toString).toList())
        + "; a program there counts only when its --version says "
        + major
        + "): run scripts/install.sh"
        + (major == 18 ? " pg18 (it puts PostgreSQL 18 into .tools/pg18)" : "")
        + ", install Debian's postgresql-client-"
        + major
        + " from apt.postgresql.org, or set LIFEBOAT_PG"
        + major
        + "_BIN to the folder that has it";
  }

  private static int majorOfProgram(Path program) {
    Integer known = MAJORS.get(program);
    if (known != null) {
      return known;
    }
    int major = askVersion(program);
    // Only answers are kept: a program installed while the worker runs is found on the next try.
    if (major > 0) {
      MAJORS.put(program, major);
    }
    return major;
  }

  private static int askVersion(Path program) {
    try {
      Process process =
          new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      // A program that does not run here (a missing library) is no candidate.
      return process.exitValue() == 0 ? majorOf(output) : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
