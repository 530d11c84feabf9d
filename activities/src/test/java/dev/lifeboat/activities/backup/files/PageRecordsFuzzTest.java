package dev.lifeboat.activities.backup.files;

import java.io.EOFException;
import java.io.IOException;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A delta's page records as storage damages them: valid records of every kind (whole page,
 * difference, aligned difference, patch) with bytes flipped and the stream cut short, read and
 * applied to a page the chain may or may not have had. The reader either rebuilds pages (a wrong
 * one shows as a failed checksum, which the restore refuses) or says the delta is damaged with an
 * {@link IOException}; never another exception, which would end a restore with a crash instead of a
 * reason.
 */
class PageRecordsFuzzTest {

  private static final int PAGE = PageHeader.PAGE_SIZE;

  @Property(tries = 300)
  void aDamagedDeltaIsReadOrRefusedWithAReason(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    byte[] stream = damage(records(random), random);
    byte[] page = random.nextBoolean() ? heapPage(random) : noise(random);
    int[] at = {0};
    PageRecords.Source source =
        (into, offset, length) -> {
          if (at[0] + length > stream.length) {
            throw new EOFException("the delta ends inside a record");
          }
          System.arraycopy(stream, at[0], into, offset, length);
          at[0] += length;
        };
    try (PageRecords.Reader reader = new PageRecords.Reader()) {
      while (at[0] < stream.length) {
        reader.read(source);
        reader.block();
        reader.apply(page);
      }
    } catch (IOException refused) {
      // Damage found and named: what the restore reports.
    }
  }

  /** One record of each kind, built by the writer's own code. */
  private static byte[] records(Random random) throws IOException {
    byte[] before = heapPage(random);
    byte[] after = before.clone();
    for (int i = 0; i < 1 + random.nextInt(40); i++) {
      after[24 + random.nextInt(PAGE - 24)] ^= (byte) (1 + random.nextInt(255));
    }
    byte[] out = new byte[8 * (PAGE + PageRecords.PATCH_CAPACITY)];
    int n = 0;
    n += PageRecords.putWhole(out, n, random.nextInt(1000), after, 0);
    byte[] difference = new byte[PAGE];
    PageRecords.difference(after, 0, before, difference, 0);
    int checksum = PageRecords.checksum(after, 0);
    n += PageRecords.putDifference(out, n, random.nextInt(1000), checksum, difference);
    int[] inserted = {1 + random.nextInt(5), 7 + random.nextInt(5)};
    n += PageRecords.putAligned(out, n, random.nextInt(1000), checksum, inserted, 2, difference);
    byte[] patch = new byte[PageRecords.PATCH_CAPACITY];
    try (var patcher = PageRecords.patcher()) {
      int length = PageRecords.patch(patcher, after, 0, before, patch);
      if (length > 0) {
        n += PageRecords.putPatch(out, n, random.nextInt(1000), checksum, patch, length);
      }
    }
    byte[] records = new byte[n];
    System.arraycopy(out, 0, records, 0, n);
    return records;
  }

  /** Flips a few bytes, often in the record headers, and sometimes cuts the stream short. */
  private static byte[] damage(byte[] records, Random random) {
    byte[] out = records.clone();
    int flips = random.nextInt(6);
    for (int i = 0; i < flips; i++) {
      int where =
          random.nextBoolean()
              ? random.nextInt(out.length)
              : random.nextInt(Math.min(16, out.length));
      out[where] = (byte) random.nextInt(256);
    }
    if (random.nextInt(4) == 0) {
      byte[] cut = new byte[random.nextInt(out.length)];
      System.arraycopy(out, 0, cut, 0, cut.length);
      return cut;
    }
    return out;
  }

  /** A page with a plausible heap header: lower and upper bounds and a few item pointers. */
  private static byte[] heapPage(Random random) {
    byte[] page = noise(random);
    int items = random.nextInt(60);
    int lower = 24 + 4 * items;
    int upper = Math.max(lower, PAGE - 40 * items);
    page[12] = (byte) lower;
    page[13] = (byte) (lower >>> 8);
    page[14] = (byte) upper;
    page[15] = (byte) (upper >>> 8);
    page[16] = (byte) (PAGE & 0xFF);
    page[17] = (byte) (PAGE >>> 8);
    return page;
  }

  private static byte[] noise(Random random) {
    byte[] page = new byte[PAGE];
    random.nextBytes(page);
    return page;
  }
}
