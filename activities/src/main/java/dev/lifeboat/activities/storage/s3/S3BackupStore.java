package dev.lifeboat.activities.storage.s3;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.activities.storage.internal.FailureNamingInputStream;
import dev.lifeboat.activities.storage.internal.ObjectPrefix;
import dev.lifeboat.activities.storage.internal.ParallelPartWriter;
import dev.lifeboat.activities.storage.internal.StoreFailures;
import dev.lifeboat.activities.storage.internal.UploadThreads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A store in an S3 bucket (or an S3-compatible service) under a prefix. Objects smaller than one
 * part are written with one PutObject; larger ones with a multipart upload whose parts go up in
 * parallel and which only becomes an object when it is completed, so an aborted or failed write
 * leaves nothing visible. Parts carry CRC32 checksums that S3 verifies.
 */
final class S3BackupStore implements BackupStore {

  /** S3 accepts at most this many parts in one multipart upload. */
  static final int MAX_PARTS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(S3BackupStore.class);

  private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;
  private static final int HTTP_NOT_FOUND = 404;

  private final String url;
  private final S3Url location;
  private final S3Client s3;
  private final StoreOptions options;
  private final ExecutorService uploads = UploadThreads.newPool("lifeboat-s3-upload");

  S3BackupStore(String url, S3Url location, S3Client s3, StoreOptions options) {
    this.url = url;
    this.location = location;
    this.s3 = s3;
    this.options = options;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public ObjectWriter create(String key, ProgressListener progress) {
    return new S3ObjectWriter(key, prefix().nameOf(key), progress);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return get(key, null);
  }

  @Override
  public InputStream open(String key, long offset, long length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("offset and length must not be negative");
    }
    if (length == 0) {
      stat(key).orElseThrow(() -> new NoSuchObjectException(url, key));
      return InputStream.nullInputStream();
    }
    // An open-ended range when the end would not fit in a long ("read to the end").
    String end = length > Long.MAX_VALUE - offset ? "" : String.valueOf(offset + length - 1);
    return get(key, "bytes=" + offset + "-" + end);
  }

  private InputStream get(String key, String range) throws IOException {
    String name = prefix().nameOf(key);
    try {
      InputStream body = s3.getObject(b -> b.bucket(location.bucket()).key(name).range(range));
      return new FailureNamingInputStream(body, url, key);
    } catch (NoSuchKeyException e) {
      throw new NoSuchObjectException(url, key);
    } catch (S3Exception e) {
      if (e.statusCode() == HTTP_RANGE_NOT_SATISFIABLE) {
        // The range starts at or after the end of an existing object: nothing to read.
        return InputStream.nullInputStream();
      }
      throw StoreFailures.read(url, key, e);
    } catch (SdkException e) {
      throw StoreFailures.read(url, key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    String name = prefix().nameOf(key);
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(location.bucket()).key(name));
      return Optional.of(new ObjectInfo(key, head.contentLength(), head.lastModified()));
    } catch (S3Exception e) {
      // HEAD has no body, so a missing key comes back as a bare 404 rather than NoSuchKey.
      if (e.statusCode() == HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw StoreFailures.stat(url, key, e);
    } catch (SdkException e) {
      throw StoreFailures.stat(url, key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String listingPrefix) throws IOException {
    String namePrefix = prefix().namePrefixOf(listingPrefix);
    List<ObjectInfo> found = new ArrayList<>();
    try {
      for (S3Object object :
          s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(namePrefix))
              .contents()) {
        // Folder markers that consoles create ("a/b/") are not objects a store wrote.
        if (!object.key().endsWith("/")) {
          found.add(
              new ObjectInfo(prefix().keyOf(object.key()), object.size(), object.lastModified()));
        }
      }
    } catch (SdkException e) {
      throw StoreFailures.list(url, listingPrefix, e);
    }
    found.sort(Comparator.comparing(ObjectInfo::key));
    return found;
  }

  @Override
  public boolean delete(String key) throws IOException {
    // S3 answers 204 whether or not the key existed, so ask first to tell the caller.
    boolean existed = stat(key).isPresent();
    String name = prefix().nameOf(key);
    try {
      s3.deleteObject(b -> b.bucket(location.bucket()).key(name));
    } catch (SdkException e) {
      throw StoreFailures.delete(url, key, e);
    }
    return existed;
  }

  @Override
  public void close() {
    uploads.shutdownNow();
    s3.close();
  }

  private ObjectPrefix prefix() {
    return location.prefix();
  }

  private static RequestBody bodyOf(byte[] data, int length) {
    // A provider rather than fromBytes: no copy of the part, and each retry reads it afresh.
    ContentStreamProvider provider = () -> new ByteArrayInputStream(data, 0, length);
    return RequestBody.fromContentProvider(provider, length, "application/octet-stream");
  }

  /** One object being written: a PutObject at commit, or a multipart upload past one part. */
  private final class S3ObjectWriter extends ParallelPartWriter {
    private final String key;
    private final String name;
    private final Map<Integer, CompletedPart> completed = new ConcurrentHashMap<>();
    private String uploadId;

    S3ObjectWriter(String key, String name, ProgressListener progress) {
      super(url, key, options.partSizeBytes(), options.parallelism(), MAX_PARTS, uploads, progress);
      this.key = key;
      this.name = name;
    }

    @Override
    protected void beginParts() {
      uploadId =
          s3.createMultipartUpload(
                  b ->
                      b.bucket(location.bucket())
                          .key(name)
                          .checksumAlgorithm(ChecksumAlgorithm.CRC32))
              .uploadId();
    }

    @Override
    protected void uploadPart(int partNumber, byte[] data, int length) {
      UploadPartResponse response =
          s3.uploadPart(
              b ->
                  b.bucket(location.bucket())
                      .key(name)
                      .uploadId(uploadId)
                      .partNumber(partNumber)
                      .contentLength((long) length)
                      .checksumAlgorithm(ChecksumAlgorithm.CRC32),
              bodyOf(data, length));
      completed.put(
          partNumber,
          CompletedPart.builder()
              .partNumber(partNumber)
              .eTag(response.eTag())
              .checksumCRC32(response.checksumCRC32())
              .build());
    }

    @Override
    protected ObjectInfo completeParts(int partCount, long objectSize) {
      List<CompletedPart> parts = new ArrayList<>(partCount);
      for (int partNumber = 1; partNumber <= partCount; partNumber++) {
        parts.add(completed.get(partNumber));
      }
      s3.completeMultipartUpload(
          b ->
              b.bucket(location.bucket())
                  .key(name)
                  .uploadId(uploadId)
                  .multipartUpload(m -> m.parts(parts)));
      return storedInfo(objectSize);
    }

    @Override
    protected ObjectInfo putWhole(byte[] data, int length) {
      s3.putObject(
          b ->
              b.bucket(location.bucket())
                  .key(name)
                  .contentLength((long) length)
                  .checksumAlgorithm(ChecksumAlgorithm.CRC32),
          bodyOf(data, length));
      return storedInfo(length);
    }

    @Override
    protected void abortParts() {
      s3.abortMultipartUpload(b -> b.bucket(location.bucket()).key(name).uploadId(uploadId));
    }

    /**
     * Reads back what was stored. The object is already visible, so a failed read-back must not
     * fail the commit: it then reports the size written and the local time.
     */
    private ObjectInfo storedInfo(long size) {
      try {
        Optional<ObjectInfo> stored = stat(key);
        if (stored.isPresent()) {
          return stored.get();
        }
        log.warn("'{}' in {} was not found right after its commit", key, url);
      } catch (IOException e) {
        log.warn("committed '{}' to {} but could not read it back: {}", key, url, e.getMessage());
      }
      return new ObjectInfo(key, size, Instant.now());
    }
  }
}
