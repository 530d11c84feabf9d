package dev.lifeboat.workflows.restore;

import dev.lifeboat.workflows.model.RandomTestRestoreRequest;
import dev.lifeboat.workflows.model.RestoreReport;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The weekly test restore: a random backup older than the newest one, restored as a scratch {@link
 * RestoreWorkflow} to a random point in time between its end and the next backup's end (bounded by
 * the WAL archive's end), validated, torn down, and stamped proven restorable when it passed. The
 * daily test restore only ever proves the newest backup at its own end point; this one proves that
 * older backups and the archived WAL after them still restore. Without an archive the chosen backup
 * is restored to its own end point. The choice uses {@code Workflow.newRandom()}, so a replay makes
 * the same one. {@code lifeboat schedule apply} runs it as {@code restore-test-random-<cluster>};
 * by hand: {@code temporal workflow start --type RandomTestRestoreWorkflow --task-queue lifeboat
 * --input '{"cluster":"shop","directory":"/var/tmp/lifeboat-restore-test-random-shop",
 * "port":55496}'}.
 */
@WorkflowInterface
public interface RandomTestRestoreWorkflow {

  String TYPE = "RandomTestRestoreWorkflow";

  /** Chooses, restores, validates and tears down; returns the scratch restore's report. */
  @WorkflowMethod(name = TYPE)
  RestoreReport restore(RandomTestRestoreRequest request);
}
