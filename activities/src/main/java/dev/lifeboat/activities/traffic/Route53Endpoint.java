package dev.lifeboat.activities.traffic;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.activities.storage.StoreCredentials;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.Route53ClientBuilder;
import software.amazon.awssdk.services.route53.model.Change;
import software.amazon.awssdk.services.route53.model.ChangeAction;
import software.amazon.awssdk.services.route53.model.ChangeBatch;
import software.amazon.awssdk.services.route53.model.ListResourceRecordSetsResponse;
import software.amazon.awssdk.services.route53.model.RRType;
import software.amazon.awssdk.services.route53.model.ResourceRecord;
import software.amazon.awssdk.services.route53.model.ResourceRecordSet;

/**
 * Route53 as the cluster's endpoint: one weighted record set per node under one name (set
 * identifier = node name). The primary's weight is 1, every other node's 0; fencing sets the old
 * primary's weight to 0. Changes are {@code UPSERT}s, so repeating them is harmless.
 */
final class Route53Endpoint {

  /** Short, so resolvers follow a failover quickly. */
  private static final long TTL_SECONDS = 5;

  private final SecretResolver secrets;

  Route53Endpoint(SecretResolver secrets) {
    this.secrets = secrets;
  }

  FenceReport hold(TrafficEndpoint endpoint, NodeSpec oldPrimary) {
    try (Route53Client route53 = client(endpoint)) {
      upsert(route53, endpoint, List.of(record(endpoint, oldPrimary, 0)));
    }
    return new FenceReport(
        "route53 " + endpoint.name(),
        true,
        oldPrimary.name() + " weight 0 on " + endpoint.recordName());
  }

  FenceReport redirect(TrafficEndpoint endpoint, NodeSpec target, List<NodeSpec> nodes) {
    List<Change> changes = new ArrayList<>();
    for (NodeSpec node : nodes) {
      changes.add(record(endpoint, node, node.name().equals(target.name()) ? 1 : 0));
    }
    try (Route53Client route53 = client(endpoint)) {
      upsert(route53, endpoint, changes);
    }
    return new FenceReport(
        "route53 " + endpoint.name(),
        true,
        endpoint.recordName() + " weight 1 on " + target.name() + ", 0 on the others");
  }

  String currentTarget(TrafficEndpoint endpoint) {
    try (Route53Client route53 = client(endpoint)) {
      ListResourceRecordSetsResponse sets =
          route53.listResourceRecordSets(
              b -> b.hostedZoneId(endpoint.hostedZoneId()).startRecordName(endpoint.recordName()));
      return sets.resourceRecordSets().stream()
          .filter(r -> normalise(r.name()).equals(normalise(endpoint.recordName())))
          .filter(r -> r.weight() != null && r.weight() > 0)
          .map(r -> r.resourceRecords().get(0).value())
          .findFirst()
          .orElse(null);
    }
  }

  private static Change record(TrafficEndpoint endpoint, NodeSpec node, long weight) {
    boolean address = node.host().matches("[0-9.]+");
    return Change.builder()
        .action(ChangeAction.UPSERT)
        .resourceRecordSet(
            ResourceRecordSet.builder()
                .name(endpoint.recordName())
                .type(address ? RRType.A : RRType.CNAME)
                .setIdentifier(node.name())
                .weight(weight)
                .ttl(TTL_SECONDS)
                .resourceRecords(ResourceRecord.builder().value(node.host()).build())
                .build())
        .build();
  }

  private static void upsert(
      Route53Client route53, TrafficEndpoint endpoint, List<Change> changes) {
    route53.changeResourceRecordSets(
        b ->
            b.hostedZoneId(endpoint.hostedZoneId())
                .changeBatch(
                    ChangeBatch.builder().comment("lifeboat failover").changes(changes).build()));
  }

  private static String normalise(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }

  private Route53Client client(TrafficEndpoint endpoint) {
    Route53ClientBuilder builder =
        Route53Client.builder()
            .region(Region.of(endpoint.awsRegion() == null ? "us-east-1" : endpoint.awsRegion()));
    if (endpoint.endpoint() != null) {
      builder.endpointOverride(URI.create(endpoint.endpoint()));
    }
    if (endpoint.credentialsSecret() != null) {
      StoreCredentials credentials =
          StoreCredentials.fromPair(
              secrets.resolve(endpoint.credentialsSecret(), "Route53 endpoint " + endpoint.name()),
              "secret '"
                  + endpoint.credentialsSecret()
                  + "' must be ACCESS_KEY_ID:SECRET_ACCESS_KEY");
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(credentials.id(), credentials.secret())));
    }
    return builder.build();
  }
}
