package dev.lifeboat.activities.codec;

import dev.lifeboat.workflows.model.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The filters between a backup's plain bytes and its stored bytes: compress, then encrypt with the
 * backup's data key (when it has one); and the reverse.
 *
 * @param compression algorithm and level
 * @param dataKey the backup's data key, or null for unencrypted backups
 */
public record ObjectCodec(CompressionSpec compression, DataKey dataKey) {

  /**
   * A codec for reading a backup's objects: each object records its own compression, so only the
   * data key matters here.
   *
   * @param dataKey the backup's data key, or null for an unencrypted backup
   */
  public static ObjectCodec forReading(DataKey dataKey) {
    return new ObjectCodec(CompressionSpec.of(Compression.NONE), dataKey);
  }

  /** Whether stored bytes are encrypted. */
  public boolean encrypted() {
    return dataKey != null;
  }

  /** Wraps the stored side in compress-then-encrypt; closing it finishes both formats. */
  public OutputStream seal(OutputStream stored, String identity) throws IOException {
    OutputStream encrypted = dataKey == null ? stored : dataKey.encrypting(stored, identity);
    return Compressors.compress(encrypted, compression);
  }

  /** Wraps the stored side in decrypt-then-decompress. */
  public InputStream unseal(InputStream stored, Compression storedWith, String identity)
      throws IOException {
    InputStream decrypted = dataKey == null ? stored : dataKey.decrypting(stored, identity);
    return Compressors.decompress(decrypted, storedWith);
  }
}
