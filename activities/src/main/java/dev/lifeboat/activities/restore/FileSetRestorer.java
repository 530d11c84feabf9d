package dev.lifeboat.activities.restore;

import dev.lifeboat.activities.backup.files.PageHeader;
import dev.lifeboat.activities.backup.files.PageRecords;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.manifest.BackupLayout;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.manifest.FileEntry;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.ProgressInputStream;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Lays out a data directory from a {@code files} backup and its chain: the full backup first, then
 * each incremental in order. Every layer's file list is the complete data directory at its end
 * point, so a layer removes the files the next one no longer lists, rewrites whole files, writes a
 * delta's pages over the previous layer's file, and leaves unchanged files alone.
 */
final class FileSetRestorer {

  private FileSetRestorer() {}

  /**
   * Applies every layer of the chain into {@code target}, which exists and is empty.
   *
   * @param writers bundles of a layer fetched, verified, decrypted and written at once
   */
  static void apply(
      BackupStore store,
      List<Manifest> chain,
      KeyProvider kek,
      Path target,
      ProgressListener progress,
      int writers)
      throws IOException {
    // Written by several bundle writers at once.
    Set<String> present = ConcurrentHashMap.newKeySet();
    ProgressInputStream.Counter written = new ProgressInputStream.Counter(progress);
    for (Manifest layer : chain) {
      applyLayer(store, layer, kek, target, present, written, writers);
    }
    Manifest last = chain.get(chain.size() - 1);
    for (String directory : last.directories()) {
      Path dir = target.resolve(directory);
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
  }

  private static void applyLayer(
      BackupStore store,
      Manifest layer,
      KeyProvider kek,
      Path target,
      Set<String> present,
      ProgressInputStream.Counter written,
      int writers)
      throws IOException {
    Set<String> listed = new HashSet<>();
    for (FileEntry entry : layer.files()) {
      listed.add(entry.path());
    }
    for (String path : new ArrayList<>(present)) {
      if (!listed.contains(path)) {
        Files.deleteIfExists(target.resolve(path));
        present.remove(path);
      }
    }
    Map<String, List<FileEntry>> byObject = new LinkedHashMap<>();
    for (FileEntry entry : layer.files()) {
      if (entry.kind() == FileEntry.Kind.UNCHANGED) {
        Path file = target.resolve(entry.path());
        if (!present.contains(entry.path()) || Files.size(file) != entry.size()) {
          throw new IOException(
              "backup "
                  + layer.backupId()
                  + " says "
                  + entry.path()
                  + " is unchanged since its parent, but the parent's restore did not produce it"
                  + " with "
                  + entry.size()
                  + " bytes: the chain is inconsistent");
        }
        continue;
      }
      byObject.computeIfAbsent(entry.object(), k -> new ArrayList<>()).add(entry);
    }
    DataKey dataKey =
        layer.encryption() == null
            ? null
            : DataKeyStore.open(store, kek, layer.cluster(), layer.backupId());
    ObjectCodec codec = ObjectCodec.forReading(dataKey);
    Map<String, StoredObject> objects = new LinkedHashMap<>();
    for (StoredObject object : layer.objects()) {
      objects.put(object.path(), object);
    }
    List<Callable<Void>> bundles = new ArrayList<>();
    for (Map.Entry<String, List<FileEntry>> bundle : byObject.entrySet()) {
      StoredObject object = objects.get(bundle.getKey());
      if (object == null) {
        throw new IOException(
            "backup "
                + layer.backupId()
                + " lists files in object '"
                + bundle.getKey()
                + "', which its manifest does not record");
      }
      List<FileEntry> entries = new ArrayList<>(bundle.getValue());
      entries.sort(Comparator.comparingLong(FileEntry::offset));
      bundles.add(
          () -> {
            applyBundle(store, layer, codec, object, entries, target, present, written);
            return null;
          });
    }
    runAll(bundles, writers);
  }

  /**
   * Runs a layer's bundles {@code writers} at once: each bundle holds different files, so they are
   * independent. The first failure to happen is the one reported (a damaged object, not the writers
   * it interrupts), and every writer has stopped before this returns, so the caller's clean-up
   * never races a writer still creating files.
   */
  private static void runAll(List<Callable<Void>> bundles, int writers) throws IOException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(writers, bundles.size())),
            runnable -> {
              Thread thread = new Thread(runnable, "lifeboat-restore-writer");
              thread.setDaemon(true);
              return thread;
            });
    CompletionService<Void> done = new ExecutorCompletionService<>(pool);
    try {
      for (Callable<Void> bundle : bundles) {
        done.submit(bundle);
      }
      for (int i = 0; i < bundles.size(); i++) {
        done.take().get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("the restore was interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } finally {
      pool.shutdownNow();
      try {
        if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
          throw new IOException("restore writers did not stop within 60 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Streams one bundle and writes each of its files: whole, or a delta's pages. */
  private static void applyBundle(
      BackupStore store,
      Manifest layer,
      ObjectCodec codec,
      StoredObject object,
      List<FileEntry> entries,
      Path target,
      Set<String> present,
      ProgressInputStream.Counter written)
      throws IOException {
    try (InputStream plain =
        ObjectPipeline.read(
            store,
            BackupLayout.objectKey(layer.cluster(), layer.backupId(), object.path()),
            object,
            BackupLayout.objectIdentity(layer.cluster(), layer.backupId(), object.path()),
            codec)) {
      DataInputStream in = new DataInputStream(new ProgressInputStream(plain, written));
      long position = 0;
      for (FileEntry entry : entries) {
        in.skipNBytes(entry.offset() - position);
        Path file = target.resolve(entry.path());
        Files.createDirectories(file.getParent());
        if (entry.kind() == FileEntry.Kind.WHOLE) {
          writeWhole(in, entry, file);
        } else {
          if (!present.contains(entry.path())) {
            throw new IOException(
                "backup "
                    + layer.backupId()
                    + " holds a page delta of "
                    + entry.path()
                    + " but its parent has no such file: the chain is inconsistent");
          }
          writeDelta(in, entry, file, layer.backupId());
        }
        present.add(entry.path());
        position = entry.offset() + entry.length();
      }
      // Reading to the end lets the pipeline check the object's size and SHA-256.
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static void writeWhole(DataInputStream in, FileEntry entry, Path file)
      throws IOException {
    try (OutputStream out =
        Files.newOutputStream(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      copy(in, out, entry.length());
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Writes a delta's records over the previous layer's file, cut or extended to the delta's size: a
   * whole page replaces the block; a difference is XORed into it, a patch decompressed with it as
   * the dictionary, and either result must then match its checksum.
   */
  private static void writeDelta(DataInputStream in, FileEntry entry, Path file, String backupId)
      throws IOException {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw");
        PageRecords.Reader records = new PageRecords.Reader()) {
      out.setLength(entry.size());
      long done = 0;
      while (done < entry.length()) {
        long position;
        boolean matches;
        try {
          done += records.read(in::readFully);
          position = records.block() * PageHeader.PAGE_SIZE;
          if (records.needsPageBefore()) {
            readPage(out, position, page);
          }
          matches = records.apply(page);
        } catch (EOFException e) {
          throw e;
        } catch (IOException e) {
          throw new IOException(
              "the page delta of "
                  + entry.path()
                  + " in backup "
                  + backupId
                  + ": "
                  + e.getMessage(),
              e);
        }
        if (!matches) {
          throw new IOException(
              "block "
                  + records.block()
                  + " of "
                  + entry.path()
                  + " in backup "
                  + backupId
                  + " is stored as a change to the page its parent chain restores, but"
                  + " the result does not match the page's checksum: the chain's copy of that"
                  + " page is not the one the backup was taken against; restore from a full"
                  + " backup");
        }
        out.seek(position);
        out.write(page);
      }
      if (done != entry.length()) {
        throw new IOException(
            "the page delta of "
                + entry.path()
                + " in backup "
                + backupId
                + " has "
                + entry.length()
                + " bytes, which do not end on a record");
      }
    } catch (EOFException e) {
      throw new IOException(
          "the page delta of " + entry.path() + " in backup " + backupId + " ends inside a record",
          e);
    }
  }

  /** The page the previous layers left at {@code position}, zeros past the file's end. */
  private static void readPage(RandomAccessFile file, long position, byte[] page)
      throws IOException {
    file.seek(position);
    int read = 0;
    while (read < page.length) {
      int n = file.read(page, read, page.length - read);
      if (n < 0) {
        break;
      }
      read += n;
    }
    Arrays.fill(page, read, page.length, (byte) 0);
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long remaining = length;
    while (remaining > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
      if (n < 0) {
        throw new EOFException("the bundle ended inside a file");
      }
      out.write(buffer, 0, n);
      remaining -= n;
    }
  }
}
