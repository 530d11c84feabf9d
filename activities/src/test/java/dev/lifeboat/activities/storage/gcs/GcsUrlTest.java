package dev.lifeboat.activities.storage.gcs;

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

/** Reading {@code gs://} destinations; no network. */
class GcsUrlTest {

  @ParameterizedTest
  @CsvSource({
    "gs://backups, backups, ''",
    "gs://backups/shop/, backups, shop",
    "gs://my_backups-eu/pg/shop, my_backups-eu, pg/shop",
    "gs://backups.example.com/pg, backups.example.com, pg",
  })
  void readsTheBucketAndThePrefix(String url, String bucket, String prefix) {
    GcsUrl parsed = GcsUrl.parse(URI.create(url));

    assertThat(parsed.bucket()).isEqualTo(bucket);
    assertThat(parsed.prefix().value()).isEqualTo(prefix);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gs:backups",
        "gs:///prefix",
        "gs://Backups/prefix",
        "gs://-backups/prefix",
        "gs://ab/prefix",
        "gs://backups/a//b",
        "gs://backups/./b",
        "gs://backups/prefix#frag",
      })
  void rejectsMalformedUrlsSayingWhatShapeIsExpected(String url) {
    assertThatThrownBy(() -> GcsUrl.parse(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backup destination '" + url + "' must look like")
        .hasMessageContaining("gs://bucket/optional/prefix");
  }

  @Test
  void rejectsABucketNameLongerThan63CharactersWithoutDots() {
    String url = "gs://" + "a".repeat(64) + "/x";

    assertThatThrownBy(() -> GcsUrl.parse(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a bucket name");
  }

  @Test
  void opensThroughTheServiceLoaderWithoutTouchingTheNetwork() throws Exception {
    StoreOptions options = StoreOptions.defaults().withEndpoint("http://127.0.0.1:9");

    try (BackupStore store = BackupStores.open("gs://backups/shop", options)) {
      assertThat(store.url()).isEqualTo("gs://backups/shop");
    }
  }

  @Test
  void refusesCredentialsThatAreNotAServiceAccountJsonWithoutQuotingThem() {
    StoreOptions options =
        StoreOptions.defaults().withCredentials(new StoreCredentials(null, "{\"type\":\"nope\"}"));

    assertThatThrownBy(() -> BackupStores.open("gs://backups/shop", options))
        .hasMessageContaining("are not a service account JSON")
        .hasMessageNotContaining("nope");
  }

  @Test
  void roundsTheChunkSizeDownToWhole256KiBGranules() {
    assertThat(GcsBackupStoreProvider.chunkSize(StoreOptions.defaults().withParts(5_000_000, 1)))
        .isEqualTo(19 * 256 * 1024);
    assertThat(GcsBackupStoreProvider.chunkSize(StoreOptions.defaults().withParts(1000, 1)))
        .isEqualTo(256 * 1024);
  }
}
