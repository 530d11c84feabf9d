package dev.lifeboat.workflows.activities;

import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeSpec;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Activities that talk to PostgreSQL servers over the wire protocol. They run on the task queue of
 * the node's region, so probes measure what that region sees.
 */
@ActivityInterface(namePrefix = "Pg_")
public interface PostgresActivities {

  /**
   * Connects to a node and reads its role, version, system identifier, timeline and WAL positions;
   * on a primary also the standbys streaming from it.
   *
   * <p>A node that cannot be reached is reported as such in the result rather than thrown, so the
   * caller can count consecutive failures. It only fails when the request itself cannot work, for
   * example when the node's password secret is missing on the worker ({@code MissingSecret}, not
   * retryable).
   *
   * @param node the node to probe
   * @return what the probe saw
   */
  @ActivityMethod
  NodeProbe probe(NodeSpec node);
}
