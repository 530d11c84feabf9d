package dev.lifeboat.activities.storage.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.internal.FailureNamingInputStream;
import dev.lifeboat.activities.storage.internal.ObjectPrefix;
import dev.lifeboat.activities.storage.internal.StoreFailures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store in a Google Cloud Storage bucket under a prefix. Each object is written through a
 * resumable upload that sends a chunk of {@code partSizeBytes} at a time and only becomes an object
 * when the upload is finalized at commit; an aborted upload is never finalized, so nothing appears
 * (Cloud Storage drops the unfinished session after a week). Uploads are sequential: resumable
 * uploads take one chunk after another, so {@code parallelism} does not apply.
 */
final class GcsBackupStore implements BackupStore {

  private static final Logger log = LoggerFactory.getLogger(GcsBackupStore.class);

  private final String url;
  private final GcsUrl location;
  private final Storage storage;
  private final int chunkSize;

  GcsBackupStore(String url, GcsUrl location, Storage storage, int chunkSize) {
    this.url = url;
    this.location = location;
    this.storage = storage;
    this.chunkSize = chunkSize;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public ObjectWriter create(String key, ProgressListener progress) throws IOException {
    BlobInfo target = BlobInfo.newBuilder(blobId(key)).build();
    try {
      WriteChannel channel = storage.writer(target);
      channel.setChunkSize(chunkSize);
      return new GcsObjectWriter(key, channel, progress);
    } catch (RuntimeException e) {
      throw StoreFailures.upload(url, key, GcsErrors.explain(e));
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    return read(key, 0, Long.MAX_VALUE);
  }

  @Override
  public InputStream open(String key, long offset, long length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must not be negative");
    }
    return read(key, offset, length);
  }

  /**
   * Looks the object up first: the reader is lazy and would only fail on its first read, and the
   * generation it returns pins the read to this version even if the object is replaced meanwhile.
   */
  private InputStream read(String key, long offset, long length) throws IOException {
    Blob blob;
    try {
      blob = storage.get(blobId(key));
    } catch (RuntimeException e) {
      throw StoreFailures.read(url, key, GcsErrors.explain(e));
    }
    if (blob == null) {
      throw new NoSuchObjectException(url, key);
    }
    long size = blob.getSize();
    if (offset >= size || length == 0) {
      return InputStream.nullInputStream();
    }
    try {
      ReadChannel reader = storage.reader(blob.getBlobId());
      reader.setChunkSize(chunkSize);
      if (offset > 0) {
        reader.seek(offset);
      }
      if (length < size - offset) {
        reader.limit(offset + length);
      }
      return new FailureNamingInputStream(
          Channels.newInputStream(reader), url, key, GcsErrors::explain);
    } catch (IOException | RuntimeException e) {
      throw StoreFailures.read(url, key, GcsErrors.explain(e));
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      return Optional.ofNullable(storage.get(blobId(key))).map(blob -> infoOf(key, blob));
    } catch (RuntimeException e) {
      throw StoreFailures.stat(url, key, GcsErrors.explain(e));
    }
  }

  @Override
  public List<ObjectInfo> list(String listingPrefix) throws IOException {
    String namePrefix = prefix().namePrefixOf(listingPrefix);
    List<ObjectInfo> found = new ArrayList<>();
    try {
      for (Blob blob :
          storage.list(location.bucket(), BlobListOption.prefix(namePrefix)).iterateAll()) {
        // Folder placeholders ("a/b/") are not objects a store wrote.
        if (!blob.getName().endsWith("/")) {
          found.add(infoOf(prefix().keyOf(blob.getName()), blob));
        }
      }
    } catch (RuntimeException e) {
      throw StoreFailures.list(url, listingPrefix, GcsErrors.explain(e));
    }
    found.sort(Comparator.comparing(ObjectInfo::key));
    return found;
  }

  @Override
  public boolean delete(String key) throws IOException {
    try {
      return storage.delete(blobId(key));
    } catch (RuntimeException e) {
      throw StoreFailures.delete(url, key, GcsErrors.explain(e));
    }
  }

  @Override
  public void close() {
    try {
      storage.close();
    } catch (Exception e) {
      log.warn("closing the Cloud Storage client of {} failed: {}", url, e.toString());
    }
  }

  private ObjectPrefix prefix() {
    return location.prefix();
  }

  private BlobId blobId(String key) {
    return BlobId.of(location.bucket(), prefix().nameOf(key));
  }

  private static ObjectInfo infoOf(String key, BlobInfo blob) {
    OffsetDateTime updated = blob.getUpdateTimeOffsetDateTime();
    return new ObjectInfo(
        key, blob.getSize(), updated == null ? Instant.EPOCH : updated.toInstant());
  }

  /**
   * One object being written. The channel uploads a chunk whenever its buffer fills, inside {@code
   * write}; closing it sends the rest and finalizes. Aborting drops the channel without closing it,
   * so the upload is never finalized.
   */
  private final class GcsObjectWriter extends ObjectWriter {
    private final String key;
    private final WriteChannel channel;
    private final ProgressListener progress;
    private long written;

    GcsObjectWriter(String key, WriteChannel channel, ProgressListener progress) {
      this.key = key;
      this.channel = channel;
      this.progress = progress;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
      ByteBuffer bytes = ByteBuffer.wrap(data, offset, length);
      try {
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      } catch (IOException | RuntimeException e) {
        throw StoreFailures.upload(url, key, GcsErrors.explain(e));
      }
      written += length;
      progress.bytesTransferred(written);
    }

    @Override
    protected ObjectInfo doCommit() throws IOException {
      try {
        channel.close();
      } catch (IOException | RuntimeException e) {
        throw StoreFailures.upload(url, key, GcsErrors.explain(e));
      }
      progress.bytesTransferred(written);
      try {
        Optional<ObjectInfo> stored = stat(key);
        if (stored.isPresent()) {
          return stored.get();
        }
        log.warn("'{}' in {} was not found right after its commit", key, url);
      } catch (IOException e) {
        // The object is visible already: a failed read-back must not fail the commit.
        log.warn("committed '{}' to {} but could not read it back: {}", key, url, e.getMessage());
      }
      return new ObjectInfo(key, written, Instant.now());
    }

    @Override
    protected void doAbort() {
      // Deliberately not channel.close(): closing finalizes the upload and publishes the object.
    }
  }
}
