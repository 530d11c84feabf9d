package dev.lifeboat.activities.storage.azure;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * A store in an Azure Blob Storage container under a prefix. Objects smaller than one block are
 * uploaded in one request; larger ones are staged as blocks in parallel and become visible only
 * when the block list is committed. Staged blocks that are never committed stay invisible and are
 * discarded by the service (after a week, or at the blob's next commit), which is how an abort
 * leaves nothing behind.
 */
final class AzureBlobBackupStore implements BackupStore {

  /** A block blob has at most this many committed blocks. */
  static final int MAX_BLOCKS = 50_000;

  private static final int HTTP_NOT_FOUND = 404;
  private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;

  private final String url;
  private final AzureBlobUrl location;
  private final BlobContainerClient container;
  private final StoreOptions options;
  private final Runnable releaseHttpResources;
  private final ExecutorService uploads = UploadThreads.newPool("lifeboat-azblob-upload");

  /**
   * @param releaseHttpResources frees the HTTP client's connections and threads, on close
   */
  AzureBlobBackupStore(
      String url,
      AzureBlobUrl location,
      BlobContainerClient container,
      StoreOptions options,
      Runnable releaseHttpResources) {
    this.url = url;
    this.location = location;
    this.container = container;
    this.options = options;
    this.releaseHttpResources = releaseHttpResources;
  }

  @Override
  public String url() {
    return url;
  }

  @Override
  public ObjectWriter create(String key, ProgressListener progress) {
    return new BlockBlobWriter(key, blob(key).getBlockBlobClient(), progress);
  }

  @Override
  public InputStream open(String key) throws IOException {
    return read(key, new BlobInputStreamOptions());
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
    BlobRange range =
        length > Long.MAX_VALUE - offset ? new BlobRange(offset) : new BlobRange(offset, length);
    return read(key, new BlobInputStreamOptions().setRange(range));
  }

  /** The blob's stream reads the properties first and pins the version by ETag for its reads. */
  private InputStream read(String key, BlobInputStreamOptions readOptions) throws IOException {
    try {
      return new FailureNamingInputStream(
          blob(key).openInputStream(readOptions),
          url,
          key,
          e -> e instanceof RuntimeException r ? AzureErrors.explain(r) : e);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == HTTP_NOT_FOUND) {
        throw new NoSuchObjectException(url, key);
      }
      if (e.getStatusCode() == HTTP_RANGE_NOT_SATISFIABLE) {
        // The range starts at or after the end of an existing blob: nothing to read.
        return InputStream.nullInputStream();
      }
      throw StoreFailures.read(url, key, AzureErrors.explain(e));
    } catch (RuntimeException e) {
      throw StoreFailures.read(url, key, AzureErrors.explain(e));
    }
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      BlobProperties properties = blob(key).getProperties();
      return Optional.of(
          new ObjectInfo(key, properties.getBlobSize(), properties.getLastModified().toInstant()));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == HTTP_NOT_FOUND) {
        return Optional.empty();
      }
      throw StoreFailures.stat(url, key, AzureErrors.explain(e));
    } catch (RuntimeException e) {
      throw StoreFailures.stat(url, key, AzureErrors.explain(e));
    }
  }

  @Override
  public List<ObjectInfo> list(String listingPrefix) throws IOException {
    String namePrefix = prefix().namePrefixOf(listingPrefix);
    List<ObjectInfo> found = new ArrayList<>();
    try {
      // A flat listing shows committed blobs only; blobs with nothing but staged blocks are left
      // out unless asked for, and we never ask.
      for (BlobItem item :
          container.listBlobs(new ListBlobsOptions().setPrefix(namePrefix), null)) {
        if (!item.getName().endsWith("/")) {
          found.add(
              new ObjectInfo(
                  prefix().keyOf(item.getName()),
                  item.getProperties().getContentLength(),
                  item.getProperties().getLastModified().toInstant()));
        }
      }
    } catch (RuntimeException e) {
      throw StoreFailures.list(url, listingPrefix, AzureErrors.explain(e));
    }
    found.sort(Comparator.comparing(ObjectInfo::key));
    return found;
  }

  @Override
  public boolean delete(String key) throws IOException {
    try {
      return blob(key)
          .deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, null)
          .getValue();
    } catch (RuntimeException e) {
      throw StoreFailures.delete(url, key, AzureErrors.explain(e));
    }
  }

  @Override
  public void close() {
    uploads.shutdownNow();
    releaseHttpResources.run();
  }

  private ObjectPrefix prefix() {
    return location.prefix();
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(prefix().nameOf(key));
  }

  /** One blob being written: one upload at commit, or staged blocks and a block list. */
  private final class BlockBlobWriter extends ParallelPartWriter {
    private final String key;
    private final BlockBlobClient blob;

    /**
     * Block ids must all have the same length within a blob; a per-writer stem keeps two writers of
     * the same key from staging over each other's blocks.
     */
    private final String blockIdStem = UUID.randomUUID().toString();

    BlockBlobWriter(String key, BlockBlobClient blob, ProgressListener progress) {
      super(
          url, key, options.partSizeBytes(), options.parallelism(), MAX_BLOCKS, uploads, progress);
      this.key = key;
      this.blob = blob;
    }

    @Override
    protected void beginParts() {
      // Blocks need no session: staging the first one is the start.
    }

    @Override
    protected void uploadPart(int partNumber, byte[] data, int length) throws Exception {
      try {
        // A ByteArrayInputStream can be reset, which the client needs to retry a block.
        blob.stageBlock(blockId(partNumber), new ByteArrayInputStream(data, 0, length), length);
      } catch (RuntimeException e) {
        throw AzureErrors.explain(e);
      }
    }

    @Override
    protected ObjectInfo completeParts(int partCount, long objectSize) throws Exception {
      List<String> blockIds = new ArrayList<>(partCount);
      for (int partNumber = 1; partNumber <= partCount; partNumber++) {
        blockIds.add(blockId(partNumber));
      }
      try {
        return infoOf(blob.commitBlockList(blockIds, true), objectSize);
      } catch (RuntimeException e) {
        throw AzureErrors.explain(e);
      }
    }

    @Override
    protected ObjectInfo putWhole(byte[] data, int length) throws Exception {
      try {
        return infoOf(blob.upload(new ByteArrayInputStream(data, 0, length), length, true), length);
      } catch (RuntimeException e) {
        throw AzureErrors.explain(e);
      }
    }

    @Override
    protected void abortParts() {
      // Staged blocks cannot be deleted one by one; uncommitted, they are invisible and expire.
    }

    private String blockId(int partNumber) {
      String id = String.format("%s-%05d", blockIdStem, partNumber);
      return Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.US_ASCII));
    }

    private ObjectInfo infoOf(BlockBlobItem item, long size) {
      return new ObjectInfo(key, size, item.getLastModified().toInstant());
    }
  }
}
