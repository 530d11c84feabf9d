package dev.lifeboat.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lifeboat.config.runbook.RunbookLibrary;
import dev.lifeboat.workflows.common.TaskQueues;
import dev.lifeboat.workflows.runbook.RunbookMode;
import dev.lifeboat.workflows.runbook.RunbookRequest;
import dev.lifeboat.workflows.runbook.RunbookResult;
import dev.lifeboat.workflows.runbook.RunbookWorkflow;
import dev.lifeboat.workflows.runbook.StepStatus;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The reference runbooks in practice mode against the local stack's cluster {@code shop} (marked
 * {@code drill: true}). db-failover, which promotes a standby, runs on a throwaway pair in {@link
 * DbFailoverPracticeIT}; data-corruption-recovery in {@link DataCorruptionRecoveryIT}.
 */
class RunbookPracticeIT {

  private static final int REDIS_PORT =
      Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "56379"));

  @TempDir Path dir;
  private InProcessStack stack;
  private RunbookLibrary library;

  @BeforeEach
  void startWorkers() {
    stack = new InProcessStack(dir);
    library = RunbookLibrary.load(RealStack.ROOT.resolve("runbooks-yaml"));
  }

  @AfterEach
  void stopWorkers() {
    stack.close();
  }

  private RunbookResult practice(String name, Map<String, String> params) {
    return stack
        .client
        .newWorkflowStub(
            RunbookWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("runbook-" + name + "-it-" + UUID.randomUUID())
                .setTaskQueue(TaskQueues.ORCHESTRATION)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(15))
                .build())
        .run(
            new RunbookRequest(
                library.get(name),
                params,
                RunbookMode.PRACTICE,
                "shop",
                library.calledFrom(name),
                "RunbookPracticeIT"));
  }

  private static StepStatus step(RunbookResult result, String id) {
    return result.steps().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void cacheFailureRecoveryReallyRestartsRedisAndTurnsTheCacheFlagOn() {
    String marker = "lifeboat-it-marker-" + UUID.randomUUID();
    String runIdBefore;
    try (Jedis redis = new Jedis("127.0.0.1", REDIS_PORT)) {
      redis.set(marker, "before the restart");
      redis.set("cache_enabled", "false");
      runIdBefore = runId(redis.info("server"));
    }

    RunbookResult result =
        practice("cache-failure-recovery", Map.of("stackDir", RealStack.ROOT.toString()));

    assertThat(result.outcome()).as(result.reason()).isEqualTo(RunbookResult.SUCCEEDED);
    assertThat(step(result, "check-cache").output()).isEqualTo("PONG");
    assertThat(step(result, "disable-cache").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(step(result, "disable-cache").error()).contains("${kubeContext} != none");
    assertThat(step(result, "stop-redis").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(step(result, "start-redis").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(step(result, "warm-up").output()).startsWith("warmed 2 queries on sydney");
    assertThat(step(result, "set-cache-flag").output()).isEqualTo("cache_enabled=true");
    try (Jedis redis = new Jedis("127.0.0.1", REDIS_PORT)) {
      assertThat(runId(redis.info("server"))).as("a new Redis process").isNotEqualTo(runIdBefore);
      assertThat(redis.get(marker)).as("the stack's Redis keeps nothing across a restart").isNull();
      assertThat(redis.get("cache_enabled")).isEqualTo("true");
    }
  }

  @Test
  void apiDegradationFindsAndEndsLongQueriesAndVerifiesThemGone() {
    RunbookResult result = practice("api-degradation", Map.of("maxQueryAge", "10m"));

    assertThat(result.outcome()).as(result.reason()).startsWith(RunbookResult.SUCCEEDED);
    assertThat(step(result, "database-sessions").output()).contains("sessions=");
    assertThat(step(result, "scale-api").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(step(result, "identify-slow-queries").status()).isEqualTo(StepStatus.SUCCEEDED);
    assertThat(step(result, "kill-long-queries").output()).contains("terminated=");
    assertThat(step(result, "verify.no-long-queries").output()).contains("long_running=0");
    assertThat(result.reason()).isEqualTo("verification passed");
  }

  private static String runId(String info) {
    return info.lines()
        .filter(l -> l.startsWith("run_id:"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no run_id in INFO server: " + info));
  }
}
