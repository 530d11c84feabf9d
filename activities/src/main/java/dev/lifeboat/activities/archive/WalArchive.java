package dev.lifeboat.activities.archive;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectIntegrityException;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.manifest.DataKeyStore;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.NoSuchObjectException;
import dev.lifeboat.activities.storage.ObjectInfo;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.workflows.model.Lsn;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The WAL archive of a cluster in one store, in one place. The layout is fixed, because full,
 * incremental and point-in-time restores read it:
 *
 * <pre>
 * &lt;cluster&gt;/wal/&lt;24-hex segment&gt;             one WAL segment, compressed then encrypted
 * &lt;cluster&gt;/wal/&lt;24-hex segment&gt;.seal.json   its seal ({@link WalSeal}), written after it
 * &lt;cluster&gt;/wal/&lt;TTTTTTTT&gt;.history          a timeline history file, same scheme
 * keys/&lt;cluster&gt;/wal-&lt;run&gt;.json              the wrapped data key of one archiver run
 * </pre>
 *
 * A file is archived exactly when its seal is present and names the object's size: the object is
 * written first, the seal last, and a rewrite deletes the seal first, so a reader never pairs an
 * object with a seal that does not describe it. Each object's ciphertext is bound to its own key
 * ({@code lifeboat:<cluster>/wal/<name>}), so an object moved to another name does not decrypt.
 */
public final class WalArchive {

  /** The suffix of a seal. */
  public static final String SEAL_SUFFIX = ".seal.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private WalArchive() {}

  /** The folder of a cluster's WAL archive in a store. */
  public static String prefix(String cluster) {
    return cluster + "/wal/";
  }

  /** The store key of a WAL file. */
  public static String objectKey(String cluster, String name) {
    requireWalName(name);
    return prefix(cluster) + name;
  }

  /** The store key of a WAL file's seal. */
  public static String sealKey(String cluster, String name) {
    return objectKey(cluster, name) + SEAL_SUFFIX;
  }

  /** The identity a WAL file's ciphertext is bound to. */
  public static String identity(String cluster, String name) {
    return "lifeboat:" + cluster + "/wal/" + name;
  }

  /** What a write needs besides the bytes: compression, data key and who writes. */
  public record Codec(
      CompressionSpec compression, DataKey dataKey, String dataKeyId, String toolVersion) {

    public Codec {
      if ((dataKey == null) != (dataKeyId == null)) {
        throw new IllegalArgumentException("a data key needs its id, and an id its key");
      }
    }
  }

  /**
   * Stores one WAL file and then its seal, replacing any previous copy (its seal is deleted first).
   *
   * @param source the file's bytes; read to its end but not closed
   * @param name the WAL file's name (segment or history)
   * @param segmentSize the cluster's WAL segment size
   * @param now the archive time recorded in the seal
   * @return the seal written
   */
  public static WalSeal write(
      BackupStore store,
      String cluster,
      String name,
      InputStream source,
      long segmentSize,
      Codec codec,
      Instant now,
      ProgressListener progress)
      throws IOException {
    store.delete(sealKey(cluster, name));
    HeaderCapture header = new HeaderCapture(source);
    StoredObject stored =
        ObjectPipeline.write(
            header,
            store,
            objectKey(cluster, name),
            name,
            identity(cluster, name),
            new ObjectCodec(codec.compression(), codec.dataKey()),
            progress);
    boolean segment = WalSegments.isSegment(name);
    if (segment && stored.rawSize() != segmentSize) {
      store.delete(objectKey(cluster, name));
      throw new IOException(
          "WAL segment "
              + name
              + " has "
              + stored.rawSize()
              + " bytes, not the cluster's segment size "
              + segmentSize
              + "; it was not archived");
    }
    WalSeal seal =
        new WalSeal(
            WalSeal.FORMAT,
            cluster,
            name,
            segment
                ? WalSegments.timeline(name)
                : Integer.parseUnsignedInt(name.substring(0, 8), 16),
            segmentSize,
            segment ? Lsn.format(WalSegments.startLsn(name, segmentSize)) : null,
            segment ? Lsn.format(WalSegments.endLsn(name, segmentSize)) : null,
            stored.rawSize(),
            stored.size(),
            stored.sha256(),
            stored.compression(),
            stored.encrypted(),
            codec.dataKeyId(),
            now,
            codec.toolVersion(),
            segment ? header.systemIdentifier() : null);
    try (ObjectWriter writer = store.create(sealKey(cluster, name))) {
      writer.write(JSON.writeValueAsBytes(seal));
      writer.commit();
    }
    return seal;
  }

  /**
   * Reads a WAL file's seal.
   *
   * @return the seal, or empty when the file is not archived in this store
   * @throws IOException when the seal exists but cannot be read or parsed
   */
  public static Optional<WalSeal> seal(BackupStore store, String cluster, String name)
      throws IOException {
    byte[] json;
    try (InputStream in = store.open(sealKey(cluster, name))) {
      json = in.readAllBytes();
    } catch (NoSuchObjectException e) {
      return Optional.empty();
    }
    WalSeal seal;
    try {
      seal = JSON.readValue(json, WalSeal.class);
    } catch (IOException e) {
      throw new IOException(
          "the seal of WAL file " + name + " in " + store.url() + " is not valid JSON", e);
    }
    if (seal.format() > WalSeal.FORMAT || !name.equals(seal.name())) {
      throw new IOException(
          "the seal of WAL file "
              + name
              + " in "
              + store.url()
              + " names "
              + seal.name()
              + " in format "
              + seal.format()
              + "; this Lifeboat reads format "
              + WalSeal.FORMAT);
    }
    return Optional.of(seal);
  }

  /**
   * Whether a WAL segment of this database system is archived in a store: {@link #contains}, and
   * its seal does not name another system (seals from before the system was recorded name none). An
   * incremental leaves such segments to the archive; another cluster's segment of the same name,
   * left by a cluster re-created under this name, is not one of them.
   *
   * @param systemIdentifier the system's identifier, unsigned decimal
   */
  public static boolean containsOf(
      BackupStore store, String cluster, String name, String systemIdentifier) throws IOException {
    return archived(store, cluster, name).filter(s -> s.writtenBy(systemIdentifier)).isPresent();
  }

  /**
   * Whether a WAL file is archived in a store: its seal is there and the object has the sealed
   * size. A cheap check (two small requests); {@link #verify} re-reads the bytes.
   */
  public static boolean contains(BackupStore store, String cluster, String name)
      throws IOException {
    return archived(store, cluster, name).isPresent();
  }

  /**
   * The seal of a WAL file archived in a store, when {@link #contains} holds: the seal is there and
   * the object has the sealed size.
   */
  public static Optional<WalSeal> archived(BackupStore store, String cluster, String name)
      throws IOException {
    Optional<WalSeal> seal;
    try {
      seal = seal(store, cluster, name);
    } catch (IOException unreadable) {
      return Optional.empty();
    }
    if (seal.isEmpty()) {
      return seal;
    }
    Optional<ObjectInfo> object = store.stat(objectKey(cluster, name));
    return object.isPresent() && object.get().size() == seal.get().size() ? seal : Optional.empty();
  }

  /** The names of the sealed WAL segments of a cluster in a store, in WAL order. */
  public static List<String> segments(BackupStore store, String cluster) throws IOException {
    return sealed(store, cluster, true);
  }

  /** The names of the sealed timeline history files of a cluster in a store. */
  public static List<String> histories(BackupStore store, String cluster) throws IOException {
    return sealed(store, cluster, false);
  }

  private static List<String> sealed(BackupStore store, String cluster, boolean segments)
      throws IOException {
    String prefix = prefix(cluster);
    Set<String> objects = new HashSet<>();
    Set<String> seals = new HashSet<>();
    for (ObjectInfo info : store.list(prefix)) {
      String rest = info.key().substring(prefix.length());
      boolean isSeal = rest.endsWith(SEAL_SUFFIX);
      String name = isSeal ? rest.substring(0, rest.length() - SEAL_SUFFIX.length()) : rest;
      if (segments ? WalSegments.isSegment(name) : WalSegments.isHistory(name)) {
        (isSeal ? seals : objects).add(name);
      }
    }
    // Archived only when both the object and its seal are there.
    objects.retainAll(seals);
    List<String> names = new ArrayList<>(objects);
    names.sort(null);
    return names;
  }

  /**
   * Opens an archived WAL file: the stream yields its original bytes, decrypted and decompressed,
   * and fails with an {@link ObjectIntegrityException} on any mismatch with the seal (size,
   * SHA-256, authentication, decoded length).
   *
   * @param kek the key-encryption key, or null when the archive is not encrypted
   * @throws NoSuchObjectException when the file is not archived in this store
   */
  public static InputStream open(BackupStore store, String cluster, String name, KeyProvider kek)
      throws IOException {
    WalSeal seal =
        seal(store, cluster, name)
            .orElseThrow(() -> new NoSuchObjectException(store.url(), sealKey(cluster, name)));
    DataKey key = null;
    if (seal.encrypted()) {
      if (kek == null) {
        throw new IOException(
            "WAL file "
                + name
                + " in "
                + store.url()
                + " is encrypted; configure the key provider that wrapped its data key "
                + seal.dataKeyId());
      }
      key = DataKeyStore.open(store, kek, cluster, seal.dataKeyId());
    }
    String objectKey = objectKey(cluster, name);
    InputStream plain =
        ObjectPipeline.read(
            store, objectKey, seal.object(), identity(cluster, name), ObjectCodec.forReading(key));
    return new LengthCheckedInputStream(plain, seal.rawSize(), store.url(), objectKey);
  }

  /**
   * Re-reads an archived WAL file to its end through {@link #open}.
   *
   * @return the seal it matched
   * @throws ObjectIntegrityException naming what is wrong
   */
  public static WalSeal verify(BackupStore store, String cluster, String name, KeyProvider kek)
      throws IOException {
    try (InputStream in = open(store, cluster, name, kek)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return seal(store, cluster, name).orElseThrow();
  }

  /**
   * The continuity check of one store: the segments of {@code timeline} needed to replay from
   * {@code startLsn} (inclusive) to {@code endLsn} (exclusive) that are not sealed in it.
   */
  public static List<String> missing(
      BackupStore store, String cluster, int timeline, long startLsn, long endLsn, long segmentSize)
      throws IOException {
    return WalSegments.missing(segments(store, cluster), timeline, startLsn, endLsn, segmentSize);
  }

  private static void requireWalName(String name) {
    if (!WalSegments.isSegment(name) && !WalSegments.isHistory(name)) {
      throw new IllegalArgumentException(
          "'" + name + "' is neither a WAL segment nor a timeline history file name");
    }
  }

  /** Fails at the end of the stream when the decoded length differs from the sealed one. */
  private static final class LengthCheckedInputStream extends FilterInputStream {
    private final long expected;
    private final String storeUrl;
    private final String key;
    private long count;

    LengthCheckedInputStream(InputStream in, long expected, String storeUrl, String key) {
      super(in);
      this.expected = expected;
      this.storeUrl = storeUrl;
      this.key = key;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n < 0) {
        if (count != expected) {
          throw new ObjectIntegrityException(
              ObjectIntegrityException.Kind.UNDECODABLE,
              storeUrl,
              key,
              "decodes to " + count + " bytes, the seal records " + expected);
        }
      } else {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buffer = new byte[8192];
      long skipped = 0;
      while (skipped < n) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
        if (r < 0) {
          break;
        }
        skipped += r;
      }
      return skipped;
    }
  }

  /** Passes a WAL file through and keeps its first bytes, where a segment names its system. */
  private static final class HeaderCapture extends java.io.FilterInputStream {
    private final byte[] first = new byte[WalPageHeader.LENGTH];
    private int kept;

    HeaderCapture(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0 && kept < first.length) {
        first[kept++] = (byte) b;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0 && kept < first.length) {
        int copied = Math.min(n, first.length - kept);
        System.arraycopy(buffer, offset, first, kept, copied);
        kept += copied;
      }
      return n;
    }

    /** The system identifier of the segment read, unsigned decimal, or null without a header. */
    String systemIdentifier() {
      java.util.OptionalLong id = WalPageHeader.systemIdentifier(first, kept);
      return id.isPresent() ? Long.toUnsignedString(id.getAsLong()) : null;
    }
  }
}
