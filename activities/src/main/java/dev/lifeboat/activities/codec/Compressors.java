package dev.lifeboat.activities.codec;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.lifeboat.workflows.model.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import net.jpountz.xxhash.XXHashFactory;

/** The compression filters: one stream in, one stream out, for each {@link Compression}. */
public final class Compressors {

  /** Buffer of the gzip and brotli filters; bounds their memory per stream. */
  private static final int BUFFER = 256 * 1024;

  /** zstd compresses in this many background threads; two cores is what our machines have. */
  static final int ZSTD_WORKERS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private Compressors() {}

  /**
   * Wraps a sink in a compressing stream. Closing the returned stream finishes the compressed
   * format and closes the sink.
   */
  public static OutputStream compress(OutputStream sink, CompressionSpec spec) throws IOException {
    return switch (spec.type()) {
      case NONE -> sink;
      case GZIP -> new LeveledGzipOutputStream(sink, spec.level());
      case ZSTD -> {
        ZstdOutputStream zstd = new ZstdOutputStream(sink, spec.level());
        zstd.setWorkers(ZSTD_WORKERS);
        yield zstd;
      }
      case LZ4 -> lz4(sink, spec.level());
      case BROTLI -> {
        ensureBrotli();
        Encoder.Parameters parameters = new Encoder.Parameters().setQuality(spec.level());
        yield new BrotliOutputStream(sink, parameters, BUFFER);
      }
    };
  }

  /**
   * LZ4 frames with independent 4 MiB blocks: level 1 is LZ4's fast compressor, levels 2-17 its
   * high-compression (HC) compressor at that level, slower and smaller.
   */
  private static OutputStream lz4(OutputStream sink, int level) throws IOException {
    LZ4Factory lz4 = LZ4Factory.fastestInstance();
    LZ4Compressor compressor = level <= 1 ? lz4.fastCompressor() : lz4.highCompressor(level);
    return new LZ4FrameOutputStream(
        sink,
        LZ4FrameOutputStream.BLOCKSIZE.SIZE_4MB,
        -1L,
        compressor,
        XXHashFactory.fastestInstance().hash32(),
        LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
  }

  /** Wraps a source of compressed bytes in a decompressing stream. */
  public static InputStream decompress(InputStream source, Compression type) throws IOException {
    return switch (type) {
      case NONE -> source;
      case GZIP -> new GZIPInputStream(source, BUFFER);
      case ZSTD -> new ZstdInputStream(source);
      case LZ4 -> new LZ4FrameInputStream(source);
      case BROTLI -> {
        ensureBrotli();
        yield new BrotliInputStream(source, BUFFER);
      }
    };
  }

  private static void ensureBrotli() throws IOException {
    try {
      Brotli4jLoader.ensureAvailability();
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      throw new IOException(
          "brotli is not available on this worker (native library failed to load: "
              + e.getMessage()
              + "); use BACKUP_COMPRESSION=zstd or gzip",
          e);
    }
  }

  /** The JDK's gzip stream with a chosen Deflater level. */
  private static final class LeveledGzipOutputStream extends GZIPOutputStream {
    LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
      super(out, BUFFER, false);
      def.setLevel(level);
      def.setStrategy(Deflater.DEFAULT_STRATEGY);
    }
  }
}
