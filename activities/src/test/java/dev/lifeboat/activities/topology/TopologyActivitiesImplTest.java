package dev.lifeboat.activities.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.common.ErrorTypes;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TopologyActivitiesImplTest {

  private static final LifeboatConfig CONFIG =
      new ConfigLoader(Map.of())
          .parse(
              Path.of("/etc/lifeboat.yaml"),
              """
              clusters:
                shop:
                  nodes:
                    - {name: sydney, region: sydney, host: 127.0.0.1, port: 5432}
              """);

  @Test
  void describesAConfiguredCluster() {
    assertThat(new TopologyActivitiesImpl(CONFIG).describeCluster("shop").nodes()).hasSize(1);
  }

  @Test
  void anUnknownClusterFailsWithoutRetryAndListsTheKnownOnes() {
    ApplicationFailure failure =
        catchThrowableOfType(
            ApplicationFailure.class,
            () -> new TopologyActivitiesImpl(CONFIG).describeCluster("shopp"));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getType()).isEqualTo(ErrorTypes.UNKNOWN_CLUSTER);
    assertThat(failure.getOriginalMessage())
        .isEqualTo(
            "cluster 'shopp' is not configured in /etc/lifeboat.yaml on this worker; configured clusters: [shop]");
  }
}
