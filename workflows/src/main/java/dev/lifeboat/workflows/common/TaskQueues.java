package dev.lifeboat.workflows.common;

/**
 * Names of the task queues Lifeboat workers poll.
 *
 * <p>Orchestration runs on {@link #ORCHESTRATION}; activities that must run next to a region's
 * database hosts (probes, backups, promotions) run on the region's own queue, so a worker in that
 * region picks them up.
 */
public final class TaskQueues {

  /** The queue for workflows and for activities that may run anywhere. */
  public static final String ORCHESTRATION = "lifeboat";

  private static final String REGION_PREFIX = "lifeboat-";

  private TaskQueues() {}

  /**
   * Returns the task queue of activities that must run in a region.
   *
   * @param region the region name from lifeboat.yaml, for example {@code sydney}
   * @return the queue name, for example {@code lifeboat-sydney}
   */
  public static String forRegion(String region) {
    return REGION_PREFIX + region;
  }
}
