package dev.lifeboat.activities.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/** Route53 weighted records on moto's Route53: fence the old primary, redirect to the new one. */
class Route53EndpointIT {

  private static final String ENDPOINT =
      "http://127.0.0.1:" + System.getenv().getOrDefault("MOTO_PORT", "55000");

  private static final NodeSpec SYDNEY =
      new NodeSpec("sydney", "sydney", 100, 1, "10.0.1.5", 5432, "shop", "postgres", null);
  private static final NodeSpec TOKYO =
      new NodeSpec("tokyo", "tokyo", 50, 1, "10.0.2.5", 5432, "shop", "postgres", null);

  private final Route53Client route53 =
      Route53Client.builder()
          .region(Region.US_EAST_1)
          .endpointOverride(URI.create(ENDPOINT))
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
          .build();

  @Test
  void failoverMovesTheWeightFromTheOldPrimaryToTheNewOne() {
    String zoneName = "shop-" + UUID.randomUUID() + ".example.com";
    String zone =
        route53.createHostedZone(b -> b.name(zoneName).callerReference(zoneName)).hostedZone().id();
    String record = "db." + zoneName;
    TrafficEndpoint dns =
        new TrafficEndpoint(
            "route53",
            "dns",
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            zone,
            record,
            "us-east-1",
            ENDPOINT,
            "aws-test");
    TrafficActivitiesImpl traffic =
        new TrafficActivitiesImpl(
            new SecretResolver(
                Path.of("/nonexistent"), Map.of("LIFEBOAT_SECRET_AWS_TEST", "test:test")));

    traffic.redirect(dns, SYDNEY, List.of(SYDNEY, TOKYO));
    assertThat(weights(zone, record)).containsEntry("sydney", 1L).containsEntry("tokyo", 0L);
    assertThat(traffic.currentTarget(dns)).isEqualTo("10.0.1.5");

    assertThat(traffic.hold(dns, SYDNEY).done()).isTrue();
    assertThat(weights(zone, record)).containsEntry("sydney", 0L);

    traffic.redirect(dns, TOKYO, List.of(SYDNEY, TOKYO));
    assertThat(weights(zone, record)).containsEntry("sydney", 0L).containsEntry("tokyo", 1L);
    assertThat(traffic.currentTarget(dns)).isEqualTo("10.0.2.5");
  }

  private Map<String, Long> weights(String zone, String record) {
    return route53.listResourceRecordSets(b -> b.hostedZoneId(zone)).resourceRecordSets().stream()
        .filter(r -> r.setIdentifier() != null)
        .collect(Collectors.toMap(ResourceRecordSet::setIdentifier, ResourceRecordSet::weight));
  }
}
