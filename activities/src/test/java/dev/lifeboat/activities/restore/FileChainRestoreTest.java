package dev.lifeboat.activities.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.backup.files.BundlePlanner;
import dev.lifeboat.activities.backup.files.BundleSource;
import dev.lifeboat.activities.backup.files.BundleStream;
import dev.lifeboat.activities.backup.files.ChangedPages;
import dev.lifeboat.activities.backup.files.DataDirectoryScan;
import dev.lifeboat.activities.backup.files.HeapPages;
import dev.lifeboat.activities.backup.files.PageHeader;
import dev.lifeboat.activities.backup.files.PageRecords;
import dev.lifeboat.activities.backup.files.ParentPages;
import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.keys.KeyProvider;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.manifest.BackupSetWriter;
import dev.lifeboat.activities.manifest.BackupType;
import dev.lifeboat.activities.manifest.FileEntry;
import dev.lifeboat.activities.manifest.Manifest;
import dev.lifeboat.activities.manifest.SourceInfo;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full and an incremental {@code files} backup of a synthetic data directory, restored alone and
 * as a chain: each restore must reproduce the directory as it was at that backup, byte for byte.
 */
class FileChainRestoreTest {

  private static final long PARENT_START_LSN = 0x200;

  @TempDir Path dir;
  private Path data;
  private BackupStore store;
  private KeyProvider kek;
  private final Random random = new Random(7);
  private ChangedPages lastChangedPages;

  @BeforeEach
  void createADataDirectory() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data.resolve("base/5"));
    Files.createDirectories(data.resolve("global"));
    Files.createDirectories(data.resolve("pg_wal/archive_status"));
    Files.writeString(data.resolve("PG_VERSION"), "15\n");
    Files.write(data.resolve("global/pg_control"), bytes(8192));
    Files.writeString(data.resolve("postmaster.pid"), "4242\n");
    Files.write(data.resolve("pg_wal/000000010000000000000001"), bytes(1000));
    relation("base/5/16384", 0x100, 0x100, 0x150, 0x180);
    relation("base/5/16385", 0x100, 0x120);
    relation("base/5/16386", 0x100);
    relation("base/5/16389", 0x100, 0x100, 0x100);
    relation("base/5/16390_init", 0x100);
    relation("base/5/16390", 0x100, 0x100);
    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    kek = LocalKeyProvider.openOrCreate(dir.resolve("kek.json"));
  }

  @Test
  void theScanLeavesOutRuntimeFilesAndUnloggedData() throws Exception {
    DataDirectoryScan.Result scan = DataDirectoryScan.scan(data);

    assertThat(scan.files())
        .extracting(DataDirectoryScan.ScannedFile::path)
        .containsExactly(
            "PG_VERSION",
            "base/5/16384",
            "base/5/16385",
            "base/5/16386",
            "base/5/16389",
            "base/5/16390_init",
            "global/pg_control");
    assertThat(scan.directories())
        .contains("pg_wal", "base/5")
        .doesNotContain("pg_wal/archive_status");
    assertThat(scan.files().stream().filter(DataDirectoryScan.ScannedFile::relation))
        .extracting(DataDirectoryScan.ScannedFile::path)
        .containsExactly("base/5/16384", "base/5/16385", "base/5/16386", "base/5/16389");
  }

  @Test
  void anIncrementalKeepsOnlyChangedPagesAndItsChainRestoresTheNewState() throws Exception {
    Manifest full = backup("b1", null);
    Map<String, byte[]> atFull = snapshot();

    // After the full backup started: one page rewritten, one appended, a table dropped, one
    // created, one truncated by VACUUM.
    writePage("base/5/16384", 2, page(0x500));
    writePage("base/5/16384", 4, page(0x510));
    Files.delete(data.resolve("base/5/16386"));
    relation("base/5/16387", 0x520);
    truncate("base/5/16389", 1);
    Manifest incremental = backup("b2", full);
    Map<String, byte[]> atIncremental = snapshot();

    Map<String, FileEntry> entries =
        incremental.files().stream().collect(Collectors.toMap(FileEntry::path, e -> e));
    assertThat(entries.get("base/5/16384").kind()).isEqualTo(FileEntry.Kind.DELTA);
    assertThat(entries.get("base/5/16384").length()).isEqualTo(2L * PageRecords.WHOLE_RECORD);
    assertThat(entries.get("base/5/16384").size()).isEqualTo(5L * PageHeader.PAGE_SIZE);
    assertThat(entries.get("base/5/16385").kind()).isEqualTo(FileEntry.Kind.UNCHANGED);
    assertThat(entries.get("base/5/16387").kind()).isEqualTo(FileEntry.Kind.WHOLE);
    assertThat(entries.get("base/5/16389").kind()).isEqualTo(FileEntry.Kind.WHOLE);
    assertThat(entries).doesNotContainKey("base/5/16386");
    assertThat(incremental.rawBytes()).isLessThan(full.rawBytes());

    Path restoredIncremental = dir.resolve("restored-b2");
    DataDirectoryRestorer.restore(store, "shop", "b2", kek, restoredIncremental);
    assertThat(contents(restoredIncremental)).isEqualTo(atIncremental);
    assertThat(restoredIncremental.resolve("pg_wal")).isEmptyDirectory();

    assertRestores("b1", atFull);
  }

  @Test
  void anIncrementalWhoseParentIsGoneFailsAndLeavesNoTarget() throws Exception {
    Manifest full = backup("b1", null);
    writePage("base/5/16384", 1, page(0x600));
    backup("b2", full);
    Files.walk(dir.resolve("store"))
        .filter(p -> p.toString().contains("/b1/"))
        .sorted(java.util.Comparator.reverseOrder())
        .forEach(p -> p.toFile().delete());

    Path target = dir.resolve("restored");
    assertThatThrownBy(() -> DataDirectoryRestorer.restore(store, "shop", "b2", kek, target))
        .hasMessageContaining("needs its ancestor b1");
    assertThat(target).doesNotExist();
  }

  @Test
  void aPageChangedALittleIsStoredAsItsDifferenceAndAChainOfThreeRestoresByteForByte()
      throws Exception {
    Manifest full = backup("b1", null);
    tweak("base/5/16384", 1, 0x500);
    Manifest first = backup("b2", full);
    Map<String, byte[]> atFirst = snapshot();
    // The same page changed again, and another one rewritten entirely: the first is again a
    // difference (from the page b2's chain restores), the second is stored whole.
    tweak("base/5/16384", 1, 0x800);
    writePage("base/5/16384", 3, page(0x810));
    Manifest second = backup("b3", first, 0x700, List.of(full, first));
    Map<String, byte[]> atSecond = snapshot();

    assertThat(entry(first, "base/5/16384").length()).isEqualTo(PageRecords.DIFFERENCE_RECORD);
    assertThat(entry(second, "base/5/16384").length())
        .isEqualTo(PageRecords.DIFFERENCE_RECORD + PageRecords.WHOLE_RECORD);

    assertRestores("b3", atSecond);
    assertRestores("b2", atFirst);
  }

  @Test
  void aCompactedPageIsStoredAsAPatchAndTheNextIncrementalBuildsOnIt() throws Exception {
    Manifest full;
    // A page rewritten entirely (stored whole: no patch is small enough), then one that pruning
    // compacted: its tuples moved, so most bytes differ at the same offsets.
    relation("base/5/16385", 0x100, 0x120, 0x130);
    full = backup("b1", null);
    writePage("base/5/16385", 1, page(0x510));
    compact("base/5/16385", 2, 0x520);
    compact("base/5/16385", 0, 0x500);
    Manifest first = backup("b2", full);
    Map<String, byte[]> atFirst = snapshot();
    assertThat(lastChangedPages.whole()).isEqualTo(1);
    assertThat(lastChangedPages.patches()).isEqualTo(2);
    assertThat(lastChangedPages.differences()).isZero();
    tweak("base/5/16385", 0, 0x800);
    Manifest second = backup("b3", first, 0x700, List.of(full, first));
    Map<String, byte[]> atSecond = snapshot();

    long patches = entry(first, "base/5/16385").length() - PageRecords.WHOLE_RECORD;
    assertThat(patches)
        .isGreaterThan(2L * PageRecords.PATCH_HEADER)
        .isLessThan(PageHeader.PAGE_SIZE / 2);
    assertThat(entry(second, "base/5/16385").length()).isEqualTo(PageRecords.DIFFERENCE_RECORD);

    assertRestores("b3", atSecond);
    assertRestores("b2", atFirst);
  }

  @Test
  void prunedHeapPagesAndIndexPagesWithInsertsAreStoredAsAlignedDifferencesAndAChainRestores()
      throws Exception {
    int[] lengths = new int[50];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 100 + random.nextInt(50);
    }
    writePage("base/5/16389", 1, withLsn(HeapPages.page(lengths, random), 0x100));
    int[] entries = new int[200];
    java.util.Arrays.fill(entries, 24);
    writePage("base/5/16389", 2, withLsn(HeapPages.page(entries, random), 0x100));
    Manifest full = backup("b1", null);
    // Pruning removed the fourth tuple and moved the ones stored below it; an index insert put a
    // line pointer at item 40 of the other page.
    byte[] pruned = withLsn(HeapPages.prune(readPage("base/5/16389", 1), 3), 0x500);
    HeapPages.setXmax(pruned, 8, 0x4242);
    writePage("base/5/16389", 1, pruned);
    byte[] inserted = withLsn(HeapPages.insert(readPage("base/5/16389", 2), 40, 24, random), 0x500);
    writePage("base/5/16389", 2, inserted);
    Manifest first = backup("b2", full);
    Map<String, byte[]> atFirst = snapshot();
    assertThat(lastChangedPages.alignedDifferences()).as("%s", lastChangedPages).isEqualTo(2);
    assertThat(lastChangedPages.patches()).isZero();
    // Changed again: the next aligned differences are taken against the pages b2's chain restores.
    writePage("base/5/16389", 1, withLsn(HeapPages.prune(pruned, 0), 0x800));
    writePage("base/5/16389", 2, withLsn(HeapPages.insert(inserted, 20, 24, random), 0x800));
    Manifest second = backup("b3", first, 0x700, List.of(full, first));
    Map<String, byte[]> atSecond = snapshot();
    assertThat(lastChangedPages.alignedDifferences()).as("%s", lastChangedPages).isEqualTo(2);

    assertRestores("b3", atSecond);
    assertRestores("b2", atFirst);
  }

  @Test
  void aDifferenceTakenAgainstAnotherPageIsRefusedByItsChecksum() throws Exception {
    Manifest full = backup("b1", null);
    tweak("base/5/16384", 1, 0x300);
    // Not the parent: a differently changed copy of the same file.
    Manifest other = backup("other", null);
    tweak("base/5/16384", 1, 0x500);
    backup("b2", full, PARENT_START_LSN, List.of(other));

    Path target = dir.resolve("restored");
    assertThatThrownBy(() -> DataDirectoryRestorer.restore(store, "shop", "b2", kek, target))
        .hasMessageContaining("block 1 of base/5/16384 in backup b2")
        .hasMessageContaining("does not match the page's checksum");
    assertThat(target).doesNotExist();
  }

  /** Restores a backup with its chain into a new folder, which must hold exactly {@code files}. */
  private void assertRestores(String backupId, Map<String, byte[]> files) throws Exception {
    Path restored = dir.resolve("restored-" + backupId);
    DataDirectoryRestorer.restore(store, "shop", backupId, kek, restored);
    assertThat(contents(restored)).isEqualTo(files);
  }

  private static FileEntry entry(Manifest manifest, String path) {
    return manifest.files().stream().filter(e -> e.path().equals(path)).findFirst().orElseThrow();
  }

  /** Changes a few bytes of a page, as an UPDATE setting one row's xmax does, and its LSN. */
  private void tweak(String path, int block, long lsn) throws IOException {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    try (var file = new java.io.RandomAccessFile(data.resolve(path).toFile(), "r")) {
      file.seek((long) block * PageHeader.PAGE_SIZE);
      file.readFully(page);
    }
    byte[] header = page(lsn);
    System.arraycopy(header, 0, page, 0, 8);
    for (int i = 0; i < 24; i++) {
      page[4000 + i] ^= (byte) (lsn + i + 1);
    }
    writePage(path, block, page);
  }

  private byte[] readPage(String path, int block) throws IOException {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    try (var file = new java.io.RandomAccessFile(data.resolve(path).toFile(), "r")) {
      file.seek((long) block * PageHeader.PAGE_SIZE);
      file.readFully(page);
    }
    return page;
  }

  private static byte[] withLsn(byte[] page, long lsn) {
    for (int i = 0; i < 4; i++) {
      page[i] = (byte) (lsn >>> (32 + 8 * i));
      page[4 + i] = (byte) (lsn >>> (8 * i));
    }
    return page;
  }

  /** Moves most of a page's content by 72 bytes, as a compaction of its tuples does. */
  private void compact(String path, int block, long lsn) throws IOException {
    byte[] page = new byte[PageHeader.PAGE_SIZE];
    try (var file = new java.io.RandomAccessFile(data.resolve(path).toFile(), "r")) {
      file.seek((long) block * PageHeader.PAGE_SIZE);
      file.readFully(page);
    }
    byte[] moved = page.clone();
    System.arraycopy(page, 200, moved, 272, PageHeader.PAGE_SIZE - 272);
    System.arraycopy(page(lsn), 0, moved, 0, 8);
    writePage(path, block, moved);
  }

  /** Takes a files backup of {@code data} the way FilesBackup does, without a server. */
  private Manifest backup(String id, Manifest parent) throws IOException {
    return backup(id, parent, PARENT_START_LSN, parent == null ? null : List.of(parent));
  }

  /**
   * @param parentStartLsn the parent's start LSN: pages at or after it are changed
   * @param pagesOf the chain whose pages differences are taken from, or null for whole pages
   */
  private Manifest backup(String id, Manifest parent, long parentStartLsn, List<Manifest> pagesOf)
      throws IOException {
    Map<String, Long> parentSizes = new HashMap<>();
    if (parent != null) {
      parent.files().forEach(e -> parentSizes.put(e.path(), e.size()));
    }
    DataDirectoryScan.Result scan = DataDirectoryScan.scan(data);
    List<BundleSource> sources = new ArrayList<>();
    for (DataDirectoryScan.ScannedFile file : scan.files()) {
      Long parentSize = parentSizes.get(file.path());
      if (parent != null && file.relation() && parentSize != null && file.size() >= parentSize) {
        sources.add(
            new BundleSource.PageDelta(
                file.path(), file.file(), file.size(), parentSize, parentStartLsn));
      } else {
        sources.add(new BundleSource.WholeFile(file.path(), file.file(), file.size()));
      }
    }
    BackupSetWriter writer =
        BackupSetWriter.begin(
            store,
            "shop",
            id,
            CompressionSpec.of(Compression.ZSTD),
            kek,
            Clock.systemUTC(),
            "test");
    List<FileEntry> entries = new ArrayList<>();
    ParentPages pages = pagesOf == null ? null : ParentPages.open(store, pagesOf, kek);
    ChangedPages changed = new ChangedPages();
    lastChangedPages = changed;
    for (BundlePlanner.Bundle bundle : BundlePlanner.plan(sources, 20_000, 1)) {
      try (ParentPages.Cursor cursor = pages == null ? null : pages.cursor();
          BundleStream stream =
              new BundleStream(bundle.object(), bundle.sources(), n -> {}, cursor, changed, null)) {
        writer.add(bundle.object(), stream, ProgressListener.NONE);
        entries.addAll(stream.entries());
      }
    }
    Instant now = Instant.now();
    return writer.seal(
        parent == null ? BackupType.FULL : BackupType.INCREMENTAL,
        parent == null ? null : parent.backupId(),
        new SourceInfo("15.18", "1", 1, "0/200", "0/300", now, now),
        Map.of(),
        Manifest.METHOD_FILES,
        entries,
        scan.directories());
  }

  /** Every file a restore must reproduce (runtime files excluded), by path. */
  private Map<String, byte[]> snapshot() throws IOException {
    Map<String, byte[]> files = contents(data);
    files.remove("postmaster.pid");
    files.remove("base/5/16390");
    files.remove("pg_wal/000000010000000000000001");
    return files;
  }

  private static Map<String, byte[]> contents(Path root) throws IOException {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(path).toString(), Files.readAllBytes(path));
      }
    }
    return new ContentMap(files);
  }

  private void relation(String path, long... pageLsns) throws IOException {
    byte[] content = new byte[pageLsns.length * PageHeader.PAGE_SIZE];
    for (int i = 0; i < pageLsns.length; i++) {
      System.arraycopy(
          page(pageLsns[i]), 0, content, i * PageHeader.PAGE_SIZE, PageHeader.PAGE_SIZE);
    }
    Files.write(data.resolve(path), content);
  }

  private void writePage(String path, int block, byte[] page) throws IOException {
    try (var file = new java.io.RandomAccessFile(data.resolve(path).toFile(), "rw")) {
      file.seek((long) block * PageHeader.PAGE_SIZE);
      file.write(page);
    }
  }

  private void truncate(String path, int blocks) throws IOException {
    try (var file = new java.io.RandomAccessFile(data.resolve(path).toFile(), "rw")) {
      file.setLength((long) blocks * PageHeader.PAGE_SIZE);
    }
  }

  private byte[] page(long lsn) {
    byte[] page = bytes(PageHeader.PAGE_SIZE);
    for (int i = 0; i < 4; i++) {
      page[i] = (byte) (lsn >>> (32 + 8 * i));
      page[4 + i] = (byte) (lsn >>> (8 * i));
    }
    return page;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** A map of file contents whose equality compares the bytes. */
  private static final class ContentMap extends TreeMap<String, byte[]> {
    ContentMap(Map<String, byte[]> files) {
      super(files);
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Map<?, ?> map) || map.size() != size()) {
        return false;
      }
      for (Map.Entry<String, byte[]> entry : entrySet()) {
        Object theirs = map.get(entry.getKey());
        if (!(theirs instanceof byte[] bytes)
            || !java.util.Arrays.equals(bytes, entry.getValue())) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return keySet().hashCode();
    }

    @Override
    public String toString() {
      return keySet().toString();
    }
  }
}
