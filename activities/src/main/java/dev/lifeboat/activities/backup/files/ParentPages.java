package dev.lifeboat.activities.backup.files;

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
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages of the parent chain's files as a restore of the parent produces them, read back from
 * the store, so that an incremental can store a changed page as its difference from that page
 * ({@link PageRecords}). It applies the chain the way a restore does: the newest whole copy of a
 * file, then every later delta in order, each cutting or extending the file to its size.
 *
 * <p>Bundles hold files in path order and an incremental visits them in the same order, so a {@link
 * Cursor} keeps each object's stream open and only skips forward; going back reopens it.
 */
public final class ParentPages {

  private static final int READ_AHEAD_CHUNK = 1 << 20;
  private static final int READ_AHEAD_DEPTH = 4;

  private final BackupStore store;
  private final List<Layer> layers;

  /** One backup of the chain: where its files are and how to read its objects. */
  private record Layer(
      Manifest manifest,
      ObjectCodec codec,
      Map<String, FileEntry> files,
      Map<String, StoredObject> objects) {}

  private ParentPages(BackupStore store, List<Layer> layers) {
    this.store = store;
    this.layers = layers;
  }

  /**
   * Prepares to read the chain ending at the parent.
   *
   * @param chain the parent's chain, the full backup first
   * @param kek the key-encryption key, or null when the chain is not encrypted
   */
  public static ParentPages open(BackupStore store, List<Manifest> chain, KeyProvider kek)
      throws IOException {
    List<Layer> layers = new ArrayList<>();
    for (Manifest manifest : chain) {
      DataKey key =
          manifest.encryption() == null
              ? null
              : DataKeyStore.open(store, kek, manifest.cluster(), manifest.backupId());
      Map<String, FileEntry> files = new HashMap<>();
      for (FileEntry entry : manifest.files()) {
        files.put(entry.path(), entry);
      }
      Map<String, StoredObject> objects = new HashMap<>();
      for (StoredObject object : manifest.objects()) {
        objects.put(object.path(), object);
      }
      layers.add(new Layer(manifest, ObjectCodec.forReading(key), files, objects));
    }
    return new ParentPages(store, List.copyOf(layers));
  }

  /** A reader for one thread; close it when the bundle is done. */
  public Cursor cursor() {
    return new Cursor();
  }

  /** Open object streams of one reader, kept between the files of a bundle. */
  public final class Cursor implements Closeable {
    private final Map<String, Positioned> open = new HashMap<>();
    // The record readers of the file being read; a bundle's files are read one after another.
    private final List<PageRecords.Reader> readers = new ArrayList<>();

    private Cursor() {}

    private void closeReaders() {
      readers.forEach(PageRecords.Reader::close);
      readers.clear();
    }

    /**
     * The file as the parent's restore produces it, or null when the chain has no whole copy of it
     * (then the incremental stores its changed pages whole).
     */
    public FilePages file(String path) throws IOException {
      closeReaders();
      int base = -1;
      for (int i = layers.size() - 1; i >= 0; i--) {
        FileEntry entry = layers.get(i).files().get(path);
        if (entry == null) {
          return null;
        }
        if (entry.kind() == FileEntry.Kind.WHOLE) {
          base = i;
          break;
        }
      }
      if (base < 0) {
        return null;
      }
      FileEntry baseEntry = layers.get(base).files().get(path);
      Segment baseSegment = new Segment(stream(base, baseEntry), baseEntry);
      List<DeltaLayer> deltas = new ArrayList<>();
      for (int i = base + 1; i < layers.size(); i++) {
        FileEntry entry = layers.get(i).files().get(path);
        if (entry.kind() == FileEntry.Kind.DELTA) {
          PageRecords.Reader reader = new PageRecords.Reader();
          readers.add(reader);
          deltas.add(
              new DeltaLayer(path, new Segment(stream(i, entry), entry), entry.size(), reader));
        }
      }
      return new FilePages(path, baseSegment, deltas);
    }

    /** The layer's object stream, positioned at or before the entry's offset. */
    private Positioned stream(int layerIndex, FileEntry entry) throws IOException {
      Layer layer = layers.get(layerIndex);
      String key = layerIndex + "/" + entry.object();
      Positioned current = open.get(key);
      if (current != null && current.position <= entry.offset()) {
        return current;
      }
      if (current != null) {
        current.close();
      }
      StoredObject object = layer.objects().get(entry.object());
      if (object == null) {
        throw new IOException(
            "parent backup "
                + layer.manifest().backupId()
                + " lists "
                + entry.path()
                + " in object '"
                + entry.object()
                + "', which its manifest does not record");
      }
      String cluster = layer.manifest().cluster();
      String backupId = layer.manifest().backupId();
      // Fetched, decrypted and decompressed in a thread of its own, beside the reader. Not hashed:
      // the reader stops where the file's pages end, before a SHA-256 could be checked, and every
      // difference or patch carries the CRC-32C of the page it makes, which the restore checks.
      Positioned opened =
          new Positioned(
              new ReadAheadInputStream(
                  ObjectPipeline.readUnhashed(
                      store,
                      BackupLayout.objectKey(cluster, backupId, object.path()),
                      object,
                      BackupLayout.objectIdentity(cluster, backupId, object.path()),
                      layer.codec()),
                  READ_AHEAD_CHUNK,
                  READ_AHEAD_DEPTH,
                  "lifeboat-parent-" + object.path()));
      open.put(key, opened);
      return opened;
    }

    @Override
    public void close() throws IOException {
      IOException first = null;
      for (Positioned stream : open.values()) {
        try {
          stream.close();
        } catch (IOException e) {
          first = first == null ? e : first;
        }
      }
      open.clear();
      closeReaders();
      if (first != null) {
        throw first;
      }
    }
  }

  /** One file's pages as the chain restores them; ask for blocks in increasing order. */
  public static final class FilePages {
    private final String path;
    private final Segment base;
    private final List<DeltaLayer> deltas;
    private long nextBlock;

    private FilePages(String path, Segment base, List<DeltaLayer> deltas) {
      this.path = path;
      this.base = base;
      this.deltas = deltas;
    }

    /** Fills {@code into} with the page the chain restores at {@code block}. */
    public void page(long block, byte[] into) throws IOException {
      if (block < nextBlock) {
        throw new IllegalStateException(
            "pages of " + path + " must be read in order: " + block + " after " + nextBlock);
      }
      nextBlock = block + 1;
      base.readPage(block, into);
      for (DeltaLayer delta : deltas) {
        delta.applyTo(block, into);
      }
    }
  }

  /** A file's bytes within an object stream. */
  private static final class Segment {
    private final Positioned stream;
    private final long start;
    private final long length;

    Segment(Positioned stream, FileEntry entry) {
      this.stream = stream;
      this.start = entry.offset();
      this.length = entry.length();
    }

    /** The whole file's page at {@code block}, zeros past its end. */
    void readPage(long block, byte[] into) throws IOException {
      long from = block * PageHeader.PAGE_SIZE;
      int available = (int) Math.max(0, Math.min(PageHeader.PAGE_SIZE, length - from));
      if (available > 0) {
        stream.skipTo(start + from);
        stream.readFully(into, 0, available);
      }
      Arrays.fill(into, available, PageHeader.PAGE_SIZE, (byte) 0);
    }
  }

  /** One incremental's records for a file, read as the blocks asked for go past them. */
  private static final class DeltaLayer {
    private final String path;
    private final Segment records;
    private final long size;
    private final PageRecords.Reader reader;
    private long consumed;
    private boolean ended;
    private boolean pending;

    DeltaLayer(String path, Segment records, long size, PageRecords.Reader reader) {
      this.path = path;
      this.records = records;
      this.size = size;
      this.reader = reader;
    }

    void applyTo(long block, byte[] page) throws IOException {
      if ((block + 1) * PageHeader.PAGE_SIZE > size) {
        // This backup cut the file before the block: the restore zeroes it.
        Arrays.fill(page, (byte) 0);
      }
      while (!ended && (!pending || reader.block() < block)) {
        next();
      }
      if (ended || reader.block() != block) {
        return;
      }
      pending = false;
      if (!reader.apply(page)) {
        throw new IOException(
            "block "
                + block
                + " of "
                + path
                + " as the parent chain restores it does not match the checksum its backup"
                + " recorded: the chain is damaged; take a full backup");
      }
    }

    private void next() throws IOException {
      if (consumed >= records.length) {
        ended = true;
        return;
      }
      records.stream.skipTo(records.start + consumed);
      consumed += reader.read(records.stream::readFully);
      if (consumed > records.length) {
        throw new EOFException("a page delta ends inside a record");
      }
      pending = true;
    }
  }

  /** An object's plain bytes, read forward, with the position it has reached. */
  private static final class Positioned implements Closeable {
    private final DataInputStream in;
    private long position;

    Positioned(InputStream in) {
      this.in = new DataInputStream(in);
    }

    void skipTo(long offset) throws IOException {
      if (offset < position) {
        throw new IllegalStateException("cannot go back from " + position + " to " + offset);
      }
      in.skipNBytes(offset - position);
      position = offset;
    }

    void readFully(byte[] into, int offset, int length) throws IOException {
      in.readFully(into, offset, length);
      position += length;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
