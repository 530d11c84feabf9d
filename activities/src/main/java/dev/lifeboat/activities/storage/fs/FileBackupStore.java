package dev.lifeboat.activities.storage.fs;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectKeys;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A store on a local disk or a NAS mount. A write goes to a hidden temporary file beside its
 * target, is flushed to disk, renamed into place atomically, and the folder is flushed, so a crash
 * leaves either the whole object or none of it.
 */
final class FileBackupStore implements BackupStore {

  /** Temporary files start with this, so listings can skip writes in progress. */
  static final String TEMP_PREFIX = ".lifeboat-tmp-";

  private final String url;
  private final Path root;

  FileBackupStore(String url, Path root) throws IOException {
    this.url = url;
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public ObjectWriter create(String key, ProgressListener progress) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(target.getParent());
    Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new FileObjectWriter(key, target, temp, channel, progress);
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return Files.newInputStream(resolve(key));
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(url, key);
    }
  }

  @Override
  public InputStream open(String key, long offset, long length) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(resolve(key), StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new NoSuchObjectException(url, key);
    }
    channel.position(offset);
    return new BoundedInputStream(Channels.newInputStream(channel), length);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path file = resolve(key);
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      if (!attributes.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) throws IOException {
    String checked = ObjectKeys.checkPrefix(prefix);
    int slash = checked.lastIndexOf('/');
    Path start = slash < 0 ? root : root.resolve(checked.substring(0, slash));
    List<ObjectInfo> found = new ArrayList<>();
    if (!Files.isDirectory(start)) {
      return found;
    }
    Files.walkFileTree(
        start,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            String key = keyOf(file);
            if (attributes.isRegularFile()
                && !file.getFileName().toString().startsWith(TEMP_PREFIX)
                && key.startsWith(checked)) {
              found.add(
                  new ObjectInfo(
                      key, attributes.size(), attributes.lastModifiedTime().toInstant()));
            }
            return FileVisitResult.CONTINUE;
          }
        });
    found.sort(Comparator.comparing(ObjectInfo::key));
    return found;
  }

  @Override
  public boolean delete(String key) throws IOException {
    return Files.deleteIfExists(resolve(key));
  }

  @Override
  public void close() {}

  private Path resolve(String key) {
    return root.resolve(ObjectKeys.check(key));
  }

  private String keyOf(Path file) {
    return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
  }

  /** Writes to the temporary file; commit flushes, renames and flushes the folder. */
  private final class FileObjectWriter extends ObjectWriter {
    private final String key;
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private final ProgressListener progress;
    private long written;

    FileObjectWriter(
        String key, Path target, Path temp, FileChannel channel, ProgressListener progress) {
      this.key = key;
      this.target = target;
      this.temp = temp;
      this.channel = channel;
      this.out = Channels.newOutputStream(channel);
      this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      channel.write(ByteBuffer.wrap(buffer, offset, length));
      written += length;
      progress.bytesTransferred(written);
    }

    @Override
    protected ObjectInfo doCommit() throws IOException {
      channel.force(true);
      channel.close();
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(target.getParent());
      return stat(key)
          .orElseThrow(() -> new IOException("object " + key + " vanished after commit"));
    }

    @Override
    protected void doAbort() {
      try {
        out.close();
      } catch (IOException ignored) {
        // The partial file is deleted next; a failed close changes nothing.
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException ignored) {
        // A leftover temporary file is hidden from listings and overwritten by no one.
      }
    }
  }

  /** Makes a rename durable: without this a power loss can undo it. */
  private static void syncDirectory(Path directory) throws IOException {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    }
  }
}
