package dev.lifeboat.workflows.common;

import io.temporal.common.SearchAttributeKey;

/**
 * The custom search attributes every Lifeboat workflow sets, so the Web UI and {@code temporal
 * workflow list --query} can filter runs by cluster, kind, region and outcome.
 *
 * <p>All four are Keyword attributes; the local stack registers them on every start.
 */
public final class DrSearchAttributes {

  /** The cluster a run is about, for example {@code shop}. */
  public static final SearchAttributeKey<String> CLUSTER =
      SearchAttributeKey.forKeyword("DrCluster");

  /** What kind of run this is: one of the {@code KIND_*} values. */
  public static final SearchAttributeKey<String> KIND = SearchAttributeKey.forKeyword("DrKind");

  /** The region a run acts on, when it has one. */
  public static final SearchAttributeKey<String> REGION = SearchAttributeKey.forKeyword("DrRegion");

  /** The outcome once known, for example {@code healthy}, {@code degraded}, {@code down}. */
  public static final SearchAttributeKey<String> OUTCOME =
      SearchAttributeKey.forKeyword("DrOutcome");

  public static final String KIND_HEALTH = "health";
  public static final String KIND_BACKUP = "backup";
  public static final String KIND_RESTORE = "restore";
  public static final String KIND_FAILOVER = "failover";
  public static final String KIND_RUNBOOK = "runbook";
  public static final String KIND_DRILL = "drill";

  private DrSearchAttributes() {}
}
