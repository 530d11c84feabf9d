package dev.lifeboat.activities.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.activities.storage.StoreOptions;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading {@code s3://} destinations; no network. */
class S3UrlTest {

  @ParameterizedTest
  @CsvSource({
    "s3://backups, backups, ''",
    "s3://backups/, backups, ''",
    "s3://backups/shop, backups, shop",
    "s3://backups/shop/, backups, shop",
    "s3://my.backups-eu/pg/shop/base, my.backups-eu, pg/shop/base",
  })
  void readsTheBucketAndThePrefix(String url, String bucket, String prefix) {
    S3Url parsed = S3Url.parse(URI.create(url));

    assertThat(parsed.bucket()).isEqualTo(bucket);
    assertThat(parsed.prefix().value()).isEqualTo(prefix);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "s3:backups",
        "s3:///prefix",
        "s3://Backups/prefix",
        "s3://my_backups/prefix",
        "s3://ab/prefix",
        "s3://user@backups/prefix",
        "s3://backups:9000/prefix",
        "s3://backups/a//b",
        "s3://backups/a/../b",
        "s3://backups/prefix?versionId=1",
      })
  void rejectsMalformedUrlsSayingWhatShapeIsExpected(String url) {
    assertThatThrownBy(() -> S3Url.parse(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backup destination '" + url + "' must look like")
        .hasMessageContaining("s3://bucket/optional/prefix");
  }

  @Test
  void mapsKeysUnderThePrefix() {
    S3Url parsed = S3Url.parse(URI.create("s3://backups/pg/shop"));

    assertThat(parsed.prefix().nameOf("base/0001/manifest.json"))
        .isEqualTo("pg/shop/base/0001/manifest.json");
    assertThat(parsed.prefix().keyOf("pg/shop/base/0001/manifest.json"))
        .isEqualTo("base/0001/manifest.json");
    assertThat(parsed.prefix().namePrefixOf("")).isEqualTo("pg/shop/");
    assertThat(parsed.prefix().namePrefixOf("wal/0000")).isEqualTo("pg/shop/wal/0000");
  }

  @Test
  void opensThroughTheServiceLoaderWithoutTouchingTheNetwork() throws Exception {
    StoreOptions options =
        StoreOptions.defaults()
            .withEndpoint("http://127.0.0.1:9")
            .withCredentials(new StoreCredentials("id", "secret"));

    try (BackupStore store = BackupStores.open("s3://backups/shop", options)) {
      assertThat(store.url()).isEqualTo("s3://backups/shop");
    }
    assertThat(BackupStores.schemes()).contains("s3");
  }

  @Test
  void aMalformedUrlFailsBeforeAnyClientIsBuilt() {
    assertThatThrownBy(() -> BackupStores.open("s3://Bad_Bucket/x", StoreOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a bucket name");
  }
}
