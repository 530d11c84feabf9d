package dev.lifeboat.activities.backup.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {

  private final byte[] content = new byte[100_003];

  ReadAheadInputStreamTest() {
    new Random(3).nextBytes(content);
  }

  @Test
  void readsAndSkipsTheSameBytesAsTheStreamBehindIt() throws Exception {
    try (DataInputStream in =
        new DataInputStream(
            new ReadAheadInputStream(new ByteArrayInputStream(content), 4096, 2, "test"))) {
      byte[] first = new byte[10_000];
      in.readFully(first);
      in.skipNBytes(50_000);
      byte[] rest = in.readAllBytes();

      assertThat(first).isEqualTo(Arrays.copyOfRange(content, 0, 10_000));
      assertThat(rest).isEqualTo(Arrays.copyOfRange(content, 60_000, content.length));
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void aFailureBehindItReachesTheReaderAfterTheBytesBeforeIt() {
    InputStream failing =
        new SequenceInputStream(
            new ByteArrayInputStream(content, 0, 8192),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw new IOException("object 'bundles/000001' is damaged");
              }
            });

    assertThatThrownBy(
            () -> {
              try (InputStream in = new ReadAheadInputStream(failing, 1024, 2, "test")) {
                in.readAllBytes();
              }
            })
        .hasMessageContaining("bundles/000001");
  }

  @Test
  void closingBeforeTheEndStopsTheThread() throws Exception {
    InputStream endless =
        new InputStream() {
          @Override
          public int read() {
            return 7;
          }
        };
    ReadAheadInputStream in = new ReadAheadInputStream(endless, 1024, 2, "test-endless");
    assertThat(in.read()).isEqualTo(7);
    in.close();

    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("test-endless") && t.isAlive());
  }
}
