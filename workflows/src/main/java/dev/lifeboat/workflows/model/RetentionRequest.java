package dev.lifeboat.workflows.model;

/**
 * Input of {@code RetentionWorkflow}. As JSON: {@code {"cluster":"shop","olderThanDays":30}} shows
 * the plan; add {@code "apply":true} to delete.
 *
 * @param cluster the cluster
 * @param olderThanDays backups that finished longer ago than this are expired (default 30)
 * @param apply false to only plan, true to delete
 * @param keepLast when positive, keep this many newest backups instead of retaining by age
 */
public record RetentionRequest(String cluster, int olderThanDays, boolean apply, int keepLast) {

  /** Retention by age. */
  public RetentionRequest(String cluster, int olderThanDays, boolean apply) {
    this(cluster, olderThanDays, apply, 0);
  }

  /** The retention the reference deployment used. */
  public static final int DEFAULT_DAYS = 30;

  /** The retention to apply, the default when not given. */
  public int daysOrDefault() {
    return olderThanDays > 0 ? olderThanDays : DEFAULT_DAYS;
  }
}
