package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Activities that decide where a cluster's clients go: PgBouncer (its {@code [databases]} entry,
 * {@code PAUSE}, {@code RELOAD}, {@code RESUME}), Route53 weighted records, or a file for scripts.
 * They run on the endpoint's region queue when it names one (PgBouncer's file is on that host),
 * else on the orchestration queue.
 */
@ActivityInterface(namePrefix = "Traffic_")
public interface TrafficActivities {

  /**
   * Stops sending clients to the old primary: PgBouncer pauses the database (clients wait, their
   * connections stay open; in-flight transactions are dropped when they do not finish in a few
   * seconds), Route53 sets the old primary's weight to 0, a file is left as it is. Idempotent.
   *
   * @param endpoint the endpoint
   * @param oldPrimary the node to stop sending clients to
   * @return what was done
   */
  @ActivityMethod
  FenceReport hold(TrafficEndpoint endpoint, NodeSpec oldPrimary);

  /**
   * Sends clients to a node: PgBouncer's {@code [databases]} entry is rewritten, then {@code
   * RELOAD} and {@code RESUME}, so clients keep their connection string; Route53 gets the node's
   * weight 1 and every other node's 0 ({@code UPSERT}); a file gets the node's address. Idempotent.
   * Also the compensation of {@link #hold}, with the old primary as the target.
   *
   * @param endpoint the endpoint
   * @param target the node that takes the traffic
   * @param nodes every node of the cluster (Route53 has a record per node)
   * @return what was done
   */
  @ActivityMethod
  FenceReport redirect(TrafficEndpoint endpoint, NodeSpec target, List<NodeSpec> nodes);

  /**
   * Returns the node an endpoint sends clients to now, as host:port, or null when it cannot tell.
   *
   * @param endpoint the endpoint
   * @return the target's host:port
   */
  @ActivityMethod
  String currentTarget(TrafficEndpoint endpoint);
}
