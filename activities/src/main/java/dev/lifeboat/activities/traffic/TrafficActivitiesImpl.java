package dev.lifeboat.activities.traffic;

import dev.lifeboat.activities.secrets.SecretResolver;
import dev.lifeboat.workflows.activities.TrafficActivities;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.List;

/** Sends a cluster's clients to its primary through PgBouncer, Route53 or a file. */
public final class TrafficActivitiesImpl implements TrafficActivities {

  private final PgBouncerEndpoint pgbouncer;
  private final Route53Endpoint route53;
  private final FileEndpoint file = new FileEndpoint();

  public TrafficActivitiesImpl(SecretResolver secrets) {
    this.pgbouncer = new PgBouncerEndpoint(secrets);
    this.route53 = new Route53Endpoint(secrets);
  }

  @Override
  public FenceReport hold(TrafficEndpoint endpoint, NodeSpec oldPrimary) {
    try {
      return switch (endpoint.type()) {
        case TrafficEndpoint.PGBOUNCER -> pgbouncer.hold(endpoint);
        case TrafficEndpoint.ROUTE53 -> route53.hold(endpoint, oldPrimary);
        case TrafficEndpoint.FILE ->
            new FenceReport(
                "file " + endpoint.name(),
                false,
                "a file cannot hold clients; it is rewritten later");
        default -> throw unknown(endpoint);
      };
    } catch (IOException | RuntimeException e) {
      if (e instanceof ApplicationFailure failure) {
        throw failure;
      }
      return new FenceReport(
          endpoint.type() + " " + endpoint.name(), false, "not reachable: " + e.getMessage());
    }
  }

  @Override
  public FenceReport redirect(TrafficEndpoint endpoint, NodeSpec target, List<NodeSpec> nodes) {
    try {
      return switch (endpoint.type()) {
        case TrafficEndpoint.PGBOUNCER -> pgbouncer.redirect(endpoint, target);
        case TrafficEndpoint.ROUTE53 -> route53.redirect(endpoint, target, nodes);
        case TrafficEndpoint.FILE -> file.redirect(endpoint, target);
        default -> throw unknown(endpoint);
      };
    } catch (IOException e) {
      // Retried by the workflow's policy: a redirect must happen once the primary is promoted.
      throw ApplicationFailure.newFailure(
          "cannot point "
              + endpoint.type()
              + " endpoint "
              + endpoint.name()
              + " at "
              + target.name()
              + ": "
              + e.getMessage(),
          ErrorTypes.TRAFFIC_FAILED);
    }
  }

  @Override
  public String currentTarget(TrafficEndpoint endpoint) {
    try {
      return switch (endpoint.type()) {
        case TrafficEndpoint.PGBOUNCER -> pgbouncer.currentTarget(endpoint);
        case TrafficEndpoint.ROUTE53 -> route53.currentTarget(endpoint);
        case TrafficEndpoint.FILE -> file.currentTarget(endpoint);
        default -> throw unknown(endpoint);
      };
    } catch (IOException e) {
      return null;
    }
  }

  private static ApplicationFailure unknown(TrafficEndpoint endpoint) {
    return ApplicationFailure.newNonRetryableFailure(
        "traffic endpoint "
            + endpoint.name()
            + " has type '"
            + endpoint.type()
            + "'; use pgbouncer, route53 or file",
        ErrorTypes.INVALID_REQUEST);
  }
}
