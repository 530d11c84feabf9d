package dev.lifeboat.activities.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.activities.codec.Sha256;
import dev.lifeboat.activities.codec.keys.LocalKeyProvider;
import dev.lifeboat.activities.storage.BackupStore;
import dev.lifeboat.activities.storage.BackupStores;
import dev.lifeboat.activities.storage.ObjectWriter;
import dev.lifeboat.activities.storage.StoreOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Manifests as storage and people damage them: a real manifest with fields removed, replaced by
 * values of the wrong type or by junk, or cut short, sealed again (as a forger or a careless edit
 * would) or not. Reading it either gives a manifest or a {@link ManifestException} that says what
 * is wrong with which backup; never another exception.
 */
class ManifestFuzzTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Path dir;
  private BackupStore store;
  private String manifest;

  @BeforeProperty
  void writeABackup() throws Exception {
    dir = Files.createTempDirectory("manifest-fuzz");
    store = BackupStores.open("file://" + dir.resolve("store"), StoreOptions.defaults());
    TestBackups.write(store, LocalKeyProvider.openOrCreate(dir.resolve("kek.json")), "shop", "b1");
    try (InputStream in = store.open(BackupLayout.manifestKey("shop", "b1"))) {
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterProperty
  void removeIt() throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Property(tries = 300)
  void aDamagedManifestIsReadOrRefusedWithItsReason(@ForAll long seed) throws Exception {
    Random random = new Random(seed);
    String damaged = damage(manifest, random);
    byte[] bytes = damaged.getBytes(StandardCharsets.UTF_8);
    put(BackupLayout.manifestKey("shop", "b1"), bytes);
    if (random.nextInt(4) > 0) {
      put(
          BackupLayout.checksumKey("shop", "b1"),
          (Sha256.hex(bytes) + "  " + BackupLayout.MANIFEST + "\n")
              .getBytes(StandardCharsets.US_ASCII));
    }
    try {
      ManifestStore.read(store, "shop", "b1");
    } catch (ManifestException refused) {
      assertThat(refused.kind()).isNotNull();
      assertThat(refused.getMessage()).contains("backup b1 of cluster shop");
    }
  }

  /** Removes or replaces a few fields anywhere in the tree, and sometimes cuts the text. */
  private static String damage(String json, Random random) throws Exception {
    JsonNode root = JSON.readTree(json);
    for (int i = 0; i <= random.nextInt(3); i++) {
      List<JsonNode> containers = new ArrayList<>();
      collect(root, containers);
      JsonNode target = containers.get(random.nextInt(containers.size()));
      if (target instanceof ObjectNode object && object.size() > 0) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        if (random.nextInt(3) == 0) {
          object.remove(name);
        } else {
          object.set(name, junk(random));
        }
      } else if (target instanceof ArrayNode array && array.size() > 0) {
        array.set(random.nextInt(array.size()), junk(random));
      }
    }
    String text = JSON.writeValueAsString(root);
    return random.nextInt(8) == 0 ? text.substring(0, random.nextInt(text.length())) : text;
  }

  private static void collect(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode()) {
      into.add(node);
      node.elements().forEachRemaining(child -> collect(child, into));
    }
  }

  private static JsonNode junk(Random random) {
    return switch (random.nextInt(9)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(-1);
      case 2 -> NODES.numberNode(Long.MAX_VALUE);
      case 3 -> NODES.textNode("");
      case 4 -> NODES.textNode("../../etc/passwd");
      case 5 -> NODES.booleanNode(true);
      case 6 -> NODES.arrayNode().add(1).add("x");
      case 7 -> NODES.objectNode().put("unexpected", 1);
      default -> NODES.textNode("2026-13-45T99:99:99Z");
    };
  }

  private void put(String key, byte[] content) throws Exception {
    try (ObjectWriter writer = store.create(key)) {
      writer.write(content);
      writer.commit();
    }
  }
}
