package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lifeboat.config.ConfigLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml cannot run here (no Docker engine), so check what can be checked: it parses,
 * it has every service the README promises, and the worker's mounted configuration is valid.
 */
class DockerComposeTest {

  private static JsonNode compose() throws Exception {
    return new ObjectMapper(new YAMLFactory())
        .readTree(Files.readString(RealStack.ROOT.resolve("docker-compose.yml")));
  }

  @Test
  void definesTheDocumentedServices() throws Exception {
    List<String> services = new ArrayList<>();
    compose().get("services").fieldNames().forEachRemaining(services::add);

    assertThat(services)
        .contains(
            "temporal",
            "temporal-ui",
            "pg-sydney",
            "pg-tokyo",
            "pgbouncer",
            "redis",
            "s3",
            "worker");
  }

  @Test
  void everyServiceHasAnImageOrABuild() throws Exception {
    compose()
        .get("services")
        .fields()
        .forEachRemaining(
            service ->
                assertThat(service.getValue().has("image") || service.getValue().has("build"))
                    .as("service %s has an image or a build", service.getKey())
                    .isTrue());
  }

  @Test
  void theWorkerIsBuiltFromTheRepositoryDockerfile() throws Exception {
    JsonNode build = compose().get("services").get("worker").get("build");
    String dockerfile = build.isTextual() ? "Dockerfile" : build.path("dockerfile").asText();

    assertThat(
            RealStack.ROOT.resolve(dockerfile.contains("/") ? dockerfile : "worker/" + dockerfile))
        .exists();
  }

  @Test
  void theWorkerConfigurationForComposeIsValid() {
    var config =
        new ConfigLoader(Map.of()).load(RealStack.ROOT.resolve("docker/lifeboat.compose.yaml"));

    assertThat(config.cluster("shop")).isPresent();
    assertThat(config.cluster("shop").orElseThrow().nodes()).hasSize(2);
  }
}
