package dev.lifeboat.workflows.model;

/**
 * Input of {@code DisasterSimulationWorkflow}: {@code {"cluster":"shop","region":"sydney",
 * "mode":"plan"}}.
 *
 * @param cluster the cluster
 * @param region the region whose PostgreSQL fails
 * @param mode {@value #PLAN} (say what would happen, touch nothing) or {@value #LIVE} (really kill
 *     the region's PostgreSQL; only for clusters marked {@code drill: true})
 * @param failBack in live mode, restore the topology afterwards (restart, rejoin, switch back)
 */
public record SimulationRequest(String cluster, String region, String mode, boolean failBack) {

  /** Plan only. */
  public static final String PLAN = "plan";

  /** Really break the region. */
  public static final String LIVE = "live";
}
