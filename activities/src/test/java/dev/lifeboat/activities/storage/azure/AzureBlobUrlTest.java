package dev.lifeboat.activities.storage.azure;

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

/** Reading {@code azblob://} destinations; no network. */
class AzureBlobUrlTest {

  private static final StoreCredentials KEY = new StoreCredentials(null, "a2V5");

  @ParameterizedTest
  @CsvSource({
    "azblob://acct/backups, acct, backups, ''",
    "azblob://acct/backups/, acct, backups, ''",
    "azblob://devstoreaccount1/backups/pg/shop, devstoreaccount1, backups, pg/shop",
    "azblob://acct/pg-backups-1/shop/, acct, pg-backups-1, shop",
  })
  void readsTheAccountTheContainerAndThePrefix(
      String url, String account, String container, String prefix) {
    AzureBlobUrl parsed = AzureBlobUrl.parse(URI.create(url));

    assertThat(parsed.account()).isEqualTo(account);
    assertThat(parsed.container()).isEqualTo(container);
    assertThat(parsed.prefix().value()).isEqualTo(prefix);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "azblob:acct/backups",
        "azblob:///backups",
        "azblob://acct",
        "azblob://acct/",
        "azblob://Acct/backups",
        "azblob://acct_1/backups",
        "azblob://acct/Backups",
        "azblob://acct/back--ups",
        "azblob://acct/-backups",
        "azblob://acct/bk",
        "azblob://acct/backups/a//b",
        "azblob://acct/backups?sig=x",
      })
  void rejectsMalformedUrlsSayingWhatShapeIsExpected(String url) {
    assertThatThrownBy(() -> AzureBlobUrl.parse(URI.create(url)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backup destination '" + url + "' must look like")
        .hasMessageContaining("azblob://account/container/optional/prefix");
  }

  @Test
  void opensThroughTheServiceLoaderWithoutTouchingTheNetwork() throws Exception {
    StoreOptions options =
        StoreOptions.defaults().withEndpoint("http://127.0.0.1:9/acct").withCredentials(KEY);

    try (BackupStore store = BackupStores.open("azblob://acct/backups/shop", options)) {
      assertThat(store.url()).isEqualTo("azblob://acct/backups/shop");
    }
  }

  @Test
  void acceptsASasTokenInTheEndpointInsteadOfCredentials() throws Exception {
    StoreOptions options =
        StoreOptions.defaults().withEndpoint("https://acct.blob.core.windows.net/?sv=1&sig=abc");

    try (BackupStore store = BackupStores.open("azblob://acct/backups", options)) {
      assertThat(store.url()).isEqualTo("azblob://acct/backups");
    }
  }

  @Test
  void requiresCredentialsOrASasToken() {
    assertThatThrownBy(() -> BackupStores.open("azblob://acct/backups", StoreOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'azblob://acct/backups' needs credentials");
  }
}
