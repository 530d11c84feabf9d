package dev.lifeboat.activities.postgres;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds PostgreSQL's client programs ({@code pg_basebackup}, {@code pg_receivewal}, ...): the
 * folder in {@code LIFEBOAT_PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin}
 * (Debian's layout), else the {@code PATH}.
 */
public final class PgTools {

  private PgTools() {}

  /**
   * Returns the path of a PostgreSQL program.
   *
   * @throws IllegalStateException naming the program and where it was looked for
   */
  public static Path find(String program) {
    String configured = System.getenv("LIFEBOAT_PG_BIN");
    if (configured != null && !configured.isBlank()) {
      Path candidate = Path.of(configured, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    Optional<Path> debian = newestDebian(program);
    if (debian.isPresent()) {
      return debian.get();
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        program
            + " is not installed on this worker: install the PostgreSQL client programs"
            + " (Debian: postgresql-client-15) or set LIFEBOAT_PG_BIN to their folder");
  }

  private static Optional<Path> newestDebian(String program) {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(v -> v.getFileName().toString().matches("\\d+"))
          .sorted(
              Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString()))
                  .reversed())
          .map(v -> v.resolve("bin").resolve(program))
          .filter(Files::isExecutable)
          .findFirst();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }
}
