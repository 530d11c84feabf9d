package dev.lifeboat.activities.backup.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists what a base backup copies from a data directory, with the exclusions PostgreSQL's own base
 * backup makes (the contents of {@code pg_wal}, {@code pg_replslot} and the other runtime folders,
 * {@code postmaster.pid}, temporary files and relations, and the data of unlogged relations), since
 * a restored cluster must not inherit them. Tablespace links under {@code pg_tblspc} are followed,
 * so their files are listed under {@code pg_tblspc/<oid>/}.
 */
public final class DataDirectoryScan {

  /** Folders whose contents are runtime state: kept empty, as pg_basebackup does. */
  private static final Set<String> CONTENTS_EXCLUDED =
      Set.of(
          "pg_wal",
          "pg_replslot",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_stat_tmp",
          "pg_subtrans");

  /** Files that would mislead or break the restored cluster. */
  private static final Set<String> FILES_EXCLUDED =
      Set.of(
          "postmaster.pid",
          "postmaster.opts",
          "backup_label",
          "tablespace_map",
          "standby.signal",
          "recovery.signal",
          "postgresql.auto.conf.tmp",
          "current_logfiles.tmp",
          "pg_internal.init");

  /** The main fork of a relation, whose pages carry an LSN: the files a delta can skip pages of. */
  private static final Pattern RELATION_MAIN_FORK =
      Pattern.compile("(?:global|base/\\d+|pg_tblspc/\\d+/[^/]+/\\d+)/\\d+(?:\\.\\d+)?");

  private static final Pattern RELATION_FILE = Pattern.compile("(.*/)?(\\d+)(_[a-z]+)?(\\.\\d+)?");

  private static final Pattern TEMPORARY_RELATION = Pattern.compile("t\\d+_\\d+.*");

  /**
   * One file to copy.
   *
   * @param path relative to the data directory, {@code /}-separated
   * @param file the file on disk
   * @param size its size when scanned
   * @param relation whether it is a relation's main fork, made of LSN-stamped pages
   * @param lastModified its modification time when scanned
   */
  public record ScannedFile(
      String path, Path file, long size, boolean relation, Instant lastModified) {}

  /**
   * What a scan found.
   *
   * @param files the files to copy, sorted by path
   * @param directories every folder to recreate, sorted, the data directory itself excluded
   */
  public record Result(List<ScannedFile> files, List<String> directories) {

    /** Bytes of all files when scanned. */
    public long totalBytes() {
      return files.stream().mapToLong(ScannedFile::size).sum();
    }
  }

  private DataDirectoryScan() {}

  /** Whether a path names a relation's main fork. */
  public static boolean isRelationMainFork(String path) {
    return RELATION_MAIN_FORK.matcher(path).matches();
  }

  /** Scans a data directory. Files that vanish during the scan (dropped tables) are skipped. */
  public static Result scan(Path dataDirectory) throws IOException {
    List<ScannedFile> files = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    Files.walkFileTree(
        dataDirectory,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            String path = relative(dataDirectory, dir);
            if (path.isEmpty()) {
              return FileVisitResult.CONTINUE;
            }
            if (dir.getFileName().toString().startsWith("pgsql_tmp")) {
              return FileVisitResult.SKIP_SUBTREE;
            }
            directories.add(path);
            return CONTENTS_EXCLUDED.contains(path)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            String name = file.getFileName().toString();
            if (!attributes.isRegularFile()
                || FILES_EXCLUDED.contains(name)
                || name.startsWith("pgsql_tmp")
                || TEMPORARY_RELATION.matcher(name).matches()) {
              return FileVisitResult.CONTINUE;
            }
            String path = relative(dataDirectory, file);
            files.add(
                new ScannedFile(
                    path,
                    file,
                    attributes.size(),
                    isRelationMainFork(path),
                    attributes.lastModifiedTime().toInstant()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    List<ScannedFile> kept = withoutUnloggedData(files);
    kept.sort(Comparator.comparing(ScannedFile::path));
    directories.sort(Comparator.naturalOrder());
    return new Result(List.copyOf(kept), List.copyOf(directories));
  }

  /**
   * Drops every fork but {@code _init} of unlogged relations: they are reset from the init fork at
   * startup after a crash or restore, so copying their data would only cost time.
   */
  private static List<ScannedFile> withoutUnloggedData(List<ScannedFile> files) {
    Set<String> unlogged = new HashSet<>();
    for (ScannedFile file : files) {
      Matcher m = RELATION_FILE.matcher(file.path());
      if (m.matches() && "_init".equals(m.group(3))) {
        unlogged.add(nullToEmpty(m.group(1)) + m.group(2));
      }
    }
    List<ScannedFile> kept = new ArrayList<>();
    for (ScannedFile file : files) {
      Matcher m = RELATION_FILE.matcher(file.path());
      boolean unloggedData =
          m.matches()
              && unlogged.contains(nullToEmpty(m.group(1)) + m.group(2))
              && !"_init".equals(m.group(3));
      if (!unloggedData) {
        kept.add(file);
      }
    }
    return kept;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String relative(Path root, Path path) {
    try {
      return root.relativize(path).toString().replace('\\', '/');
    } catch (IllegalArgumentException e) {
      throw new UncheckedIOException(new IOException("cannot place " + path + " under " + root, e));
    }
  }
}
