package dev.lifeboat.workflows.model;

/**
 * What the restoring activities need: the request and the plan.
 *
 * @param request what was asked
 * @param plan what was decided
 * @param owner the id of the {@code RestoreWorkflow} run that restores: written into the claim
 *     marker beside the directory, so a retry of the same restore removes its own half-written
 *     directory and a teardown removes only its own, never the result of another restore into the
 *     same path; null in tasks recorded before owners existed (any claim is then taken as its own)
 */
public record RestoreTask(RestoreRequest request, RestorePlan plan, String owner) {

  /** A task without an owner, as recorded before owners existed. */
  public RestoreTask(RestoreRequest request, RestorePlan plan) {
    this(request, plan, null);
  }
}
