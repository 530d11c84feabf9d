package dev.lifeboat.activities.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The one-sentence failures every object-store backend throws. */
class StoreFailuresTest {

  @Test
  void namesTheOperationTheKeyTheStoreAndTheCause() {
    IOException failure =
        StoreFailures.upload(
            "s3://bucket/prefix", "interrupted", new IOException("Connection refused"));

    assertThat(failure)
        .hasMessage("upload of 'interrupted' to s3://bucket/prefix failed: Connection refused");
  }

  @Test
  void keepsOnlyTheFirstLineOfALongMessage() {
    IOException failure =
        StoreFailures.read("gs://b", "k", new RuntimeException("Status 500\n<xml>body</xml>"));

    assertThat(failure).hasMessage("read of 'k' from gs://b failed: Status 500");
  }

  @Test
  void looksThroughWrappersThatSayNothingOfTheirOwn() {
    ConnectException refused = new ConnectException("Connection refused");
    Throwable wrapped = new ExecutionException(new UncheckedIOException(new IOException(refused)));

    IOException failure = StoreFailures.list("azblob://a/c", "wal/", wrapped);

    assertThat(failure)
        .hasMessage("listing of 'wal/' in azblob://a/c failed: Connection refused")
        .hasCause(refused);
  }

  @Test
  void usesTheClassNameWhenTheCauseHasNoMessage() {
    assertThat(StoreFailures.delete("s3://b", "k", new IllegalStateException()))
        .hasMessage("deletion of 'k' from s3://b failed: IllegalStateException");
  }
}
