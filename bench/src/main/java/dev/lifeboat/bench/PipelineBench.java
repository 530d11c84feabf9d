package dev.lifeboat.bench;

import dev.lifeboat.activities.codec.CompressionSpec;
import dev.lifeboat.activities.codec.DataKey;
import dev.lifeboat.activities.codec.ObjectCodec;
import dev.lifeboat.activities.codec.ObjectPipeline;
import dev.lifeboat.activities.codec.StoredObject;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ProgressListener;
import dev.lifeboat.activities.storage.StoreOptions;
import dev.lifeboat.workflows.model.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Times the backup pipeline (source, compress, encrypt, SHA-256, file store) on one input file and
 * prints one tab-separated line per configuration: {@code name, MB/s of input, stored bytes}. The
 * median of several runs is reported, after one warm-up run for the JIT. scripts/bench.sh runs it
 * beside the reference tools and computes the ratios.
 *
 * <p>Usage: {@code java -jar lifeboat-bench.jar INPUT STORE_DIR [RUNS]}.
 */
public final class PipelineBench {

  private PipelineBench() {}

  /** One pipeline configuration. */
  record Config(String name, Compression compression, int level, boolean encrypted) {}

  static final List<Config> CONFIGS =
      List.of(
          new Config("lifeboat zstd-1", Compression.ZSTD, 1, false),
          new Config("lifeboat zstd-1+aes", Compression.ZSTD, 1, true),
          new Config("lifeboat zstd-3", Compression.ZSTD, 3, false),
          new Config("lifeboat zstd-3+aes", Compression.ZSTD, 3, true),
          new Config("lifeboat gzip-6", Compression.GZIP, 6, false),
          new Config("lifeboat gzip-6+aes", Compression.GZIP, 6, true),
          new Config("lifeboat none", Compression.NONE, 0, false),
          new Config("lifeboat none+aes", Compression.NONE, 0, true));

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: java -jar lifeboat-bench.jar INPUT STORE_DIR [RUNS]");
      System.exit(2);
    }
    Path input = Path.of(args[0]);
    Path storeDir = Path.of(args[1]);
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    long size = Files.size(input);
    try (BackupStore store =
        BackupStores.open("file://" + storeDir.toAbsolutePath(), StoreOptions.defaults())) {
      // Warm every configuration up before timing any: JDK 17 reaches its AES-GCM and SHA-256
      // intrinsics only after the JIT has compiled them, which takes a few hundred megabytes of
      // work; a long-running worker is always past that point.
      for (Config config : CONFIGS) {
        runOnce(codec(config), input, store);
      }
      for (Config config : CONFIGS) {
        Result result = measure(config, input, size, store, runs);
        System.out.printf(
            Locale.ROOT,
            "%s\t%.1f\t%d%n",
            config.name(),
            result.megabytesPerSecond(),
            result.storedBytes());
      }
    }
  }

  /** The median throughput of {@code runs} timed runs and the stored size. */
  record Result(double megabytesPerSecond, long storedBytes) {}

  static Result measure(Config config, Path input, long size, BackupStore store, int runs)
      throws IOException {
    ObjectCodec codec = codec(config);
    runOnce(codec, input, store);
    List<Double> rates = new ArrayList<>();
    long stored = 0;
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      StoredObject object = runOnce(codec, input, store);
      double seconds = (System.nanoTime() - start) / 1e9;
      rates.add(size / 1e6 / seconds);
      stored = object.size();
    }
    rates.sort(Double::compare);
    store.delete("bench.obj");
    return new Result(rates.get(rates.size() / 2), stored);
  }

  private static ObjectCodec codec(Config config) {
    return new ObjectCodec(
        new CompressionSpec(config.compression(), config.level()),
        config.encrypted() ? DataKey.generate() : null);
  }

  private static StoredObject runOnce(ObjectCodec codec, Path input, BackupStore store)
      throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(input), 1 << 20)) {
      return ObjectPipeline.write(
          in,
          store,
          "bench.obj",
          "bench.obj",
          "lifeboat:bench/bench.obj",
          codec,
          ProgressListener.NONE);
    }
  }
}
