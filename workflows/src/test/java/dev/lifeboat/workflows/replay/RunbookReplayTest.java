package dev.lifeboat.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.lifeboat.workflows.runbook.OnFailure;
import dev.lifeboat.workflows.runbook.RetrySpec;
import dev.lifeboat.workflows.runbook.Runbook;
import dev.lifeboat.workflows.runbook.RunbookMode;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookStep;
import dev.lifeboat.workflows.runbook.RunbookWorkflowImpl;
import io.temporal.worker.NonDeterministicException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Replays a recorded runbook run (a retried step, a parallel group, a wait, a step that failed with
 * onFailure: rollback and the rollback it caused) against today's interpreter.
 */
class RunbookReplayTest {

  private static final String HISTORY = "histories/runbook-retry-parallel-rollback.json";

  /** The run recorded in the golden history. */
  static RunbookRequest request() {
    RunbookStep retried =
        new RunbookStep(
            "fence",
            null,
            "command",
            Map.of("argv", List.of("fence")),
            "30s",
            new RetrySpec(3, "2s"),
            null,
            OnFailure.ABORT,
            List.of(step("unfence", "command")),
            null,
            List.of(),
            null);
    RunbookStep group =
        new RunbookStep(
            "group",
            null,
            "parallel",
            Map.of(),
            null,
            null,
            null,
            OnFailure.ABORT,
            List.of(),
            null,
            List.of(step("a", "command"), step("b", "command")),
            null);
    RunbookStep pause =
        new RunbookStep(
            "settle",
            null,
            "wait",
            Map.of("duration", "1m"),
            null,
            null,
            null,
            OnFailure.ABORT,
            List.of(),
            null,
            List.of(),
            null);
    RunbookStep failing =
        new RunbookStep(
            "check",
            null,
            "command",
            Map.of("argv", List.of("check")),
            null,
            null,
            new dev.lifeboat.workflows.runbook.Expectation("never printed", null, null),
            OnFailure.ROLLBACK,
            List.of(),
            null,
            List.of(),
            null);
    Runbook runbook =
        new Runbook(
            "golden",
            null,
            "high",
            "1m",
            List.of(),
            List.of(retried, group, pause, failing),
            List.of(),
            null,
            null,
            "golden.yaml",
            "0123");
    return new RunbookRequest(runbook, Map.of(), RunbookMode.LIVE, "shop", Map.of(), "golden");
  }

  private static RunbookStep step(String id, String type) {
    return new RunbookStep(
        id,
        null,
        type,
        Map.of("argv", List.of(id)),
        null,
        null,
        null,
        OnFailure.ABORT,
        List.of(),
        null,
        List.of(),
        null);
  }

  @Test
  void todaysInterpreterReplaysTheRecordedRun() throws Exception {
    GoldenHistory.replay(HISTORY, RunbookWorkflowImpl.class);
  }

  @Test
  void anInterpreterThatWaitsBeforeItsFirstStepIsCaughtAsNonDeterministic() {
    Throwable thrown =
        catchThrowable(() -> GoldenHistory.replay(HISTORY, WaitsBeforeItsFirstStep.class));

    assertThat(thrown).isNotNull().hasMessageContaining(NonDeterministicException.class.getName());
  }

  /** A changed interpreter: it starts a timer before anything else. */
  public static class WaitsBeforeItsFirstStep extends RunbookWorkflowImpl {
    @Override
    public RunbookResult run(RunbookRequest input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return super.run(input);
    }
  }
}
