package dev.lifeboat.workflows.model;

/**
 * What the restoring activities need: the request and the plan.
 *
 * @param request what was asked
 * @param plan what was decided
 */
public record RestoreTask(RestoreRequest request, RestorePlan plan) {}
