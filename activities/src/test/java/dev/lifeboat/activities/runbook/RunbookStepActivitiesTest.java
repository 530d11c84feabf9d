package dev.lifeboat.activities.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import io.temporal.failure.ApplicationFailure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step types that need no database: command, kubernetes (against a recording fake kubectl on
 * the PATH), http (against a loopback server) and the argument checks of sql and redis.
 */
class RunbookStepActivitiesTest {

  @TempDir Path dir;

  private RunbookStepActivitiesImpl activities(Map<String, String> environment) {
    return new RunbookStepActivitiesImpl(null, null, environment);
  }

  private static StepInvocation step(String type, Map<String, Object> with, long timeout) {
    return new StepInvocation("runbook-test", "s1", type, with, "shop", 1, timeout);
  }

  private static String failureType(Runnable call) {
    try {
      call.run();
    } catch (ApplicationFailure e) {
      return e.getType() + ": " + e.getOriginalMessage();
    }
    throw new AssertionError("expected the step to fail");
  }

  @Test
  void commandRunsArgvWithOnlyTheAllowedEnvironment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("LIFEBOAT_VISIBLE", "yes");
    env.put("LIFEBOAT_SECRET_PG_SHOP", "hunter2");

    StepResult result =
        activities(env)
            .execute(
                step(
                    "command",
                    Map.of("argv", List.of("env"), "env", List.of("PATH", "LIFEBOAT_VISIBLE")),
                    10));

    assertThat(result.output()).contains("LIFEBOAT_VISIBLE=yes").doesNotContain("hunter2");
  }

  @Test
  void aParameterValueStaysOneArgumentWhateverItHolds() {
    StepResult result =
        activities(System.getenv())
            .execute(
                step(
                    "command",
                    Map.of("argv", List.of("printf", "%s|", "a; rm -rf / $(id)", "b")),
                    10));

    assertThat(result.output()).isEqualTo("a; rm -rf / $(id)|b|");
  }

  @Test
  void aNonZeroExitFailsWithTheEndOfTheOutput() {
    String failure =
        failureType(
            () ->
                activities(System.getenv())
                    .execute(step("command", Map.of("argv", List.of("ls", "/no/such/dir")), 10)));

    assertThat(failure)
        .startsWith(ErrorTypes.RUNBOOK_STEP_FAILED + ": ls exited with 2: ")
        .contains("/no/such/dir");
  }

  @Test
  void aCommandPastItsTimeoutIsKilled() {
    String failure =
        failureType(
            () ->
                activities(System.getenv())
                    .execute(step("command", Map.of("argv", List.of("sleep", "30")), 1)));

    assertThat(failure).contains("sleep did not finish within 1s and was killed");
  }

  @Test
  void aMissingProgramIsNotRetried() {
    String failure =
        failureType(
            () ->
                activities(System.getenv())
                    .execute(step("command", Map.of("argv", List.of("no-such-program-xyz")), 5)));

    assertThat(failure).startsWith(ErrorTypes.RUNBOOK_STEP_INVALID + ": cannot start");
  }

  @Test
  void longOutputIsCut() {
    StepResult result =
        activities(System.getenv())
            .execute(step("command", Map.of("argv", List.of("seq", "1", "100000")), 10));

    assertThat(result.truncated()).isTrue();
    assertThat(result.output())
        .hasSizeLessThan(StepResult.MAX_OUTPUT + 100)
        .endsWith("(truncated)");
  }

  @Test
  void kubernetesRunsKubectlWithTheExplicitContext() throws Exception {
    Path record = dir.resolve("kubectl.calls");
    Path kubectl = dir.resolve("kubectl");
    Files.writeString(
        kubectl,
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '"
            + record
            + "'\necho 'deployment.apps/api scaled'\n");
    Files.setPosixFilePermissions(kubectl, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("PATH", dir + ":" + System.getenv("PATH"));
    StepInvocation scale =
        step(
            "kubernetes",
            Map.of(
                "context", "prod-eu",
                "namespace", "shop",
                "args", List.of("scale", "deployment", "api", "--replicas", "10")),
            10);

    StepResult result = activities(env).execute(scale);
    StepResult plan = activities(env).plan(scale);

    assertThat(result.output()).contains("deployment.apps/api scaled");
    assertThat(Files.readAllLines(record))
        .containsExactly("--context prod-eu --namespace shop scale deployment api --replicas 10");
    assertThat(plan.output())
        .isEqualTo(
            "would run [kubectl, --context, prod-eu, --namespace, shop, scale, deployment, api,"
                + " --replicas, 10]");
  }

  @Test
  void kubernetesWithoutAContextSaysSoAndIsNotRetried() {
    String failure =
        failureType(
            () ->
                activities(System.getenv())
                    .execute(
                        step("kubernetes", Map.of("context", "none", "args", List.of("top")), 5)));

    assertThat(failure)
        .startsWith(ErrorTypes.RUNBOOK_STEP_INVALID)
        .contains("needs Kubernetes but no context is configured; pass --param kubeContext=NAME");
  }

  @Test
  void httpChecksTheStatus() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/health",
        exchange -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(
              exchange.getRequestURI().getQuery() == null ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
      StepResult ok =
          activities(Map.of()).execute(step("http", Map.of("url", base, "expectStatus", 200), 5));
      String failure =
          failureType(
              () -> activities(Map.of()).execute(step("http", Map.of("url", base + "?down"), 5)));

      assertThat(ok.output()).isEqualTo("HTTP 200\nok");
      assertThat(failure).contains("expected status 2xx but got HTTP 503");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void sqlIdentifiersMustBePlainNames() throws Exception {
    StepArgs good =
        new StepArgs(
            step(
                "sql",
                Map.of(
                    "query",
                    "ALTER TABLE {table} DISABLE TRIGGER ALL",
                    "identifiers",
                    Map.of("table", "public.orders")),
                5));
    StepArgs evil =
        new StepArgs(
            step(
                "sql",
                Map.of(
                    "query",
                    "ALTER TABLE {table} DISABLE TRIGGER ALL",
                    "identifiers",
                    Map.of("table", "orders; DROP TABLE users")),
                5));

    assertThat(SqlStep.statement(good)).isEqualTo("ALTER TABLE public.orders DISABLE TRIGGER ALL");
    assertThatThrownBy(() -> SqlStep.statement(evil))
        .isInstanceOf(InvalidStepException.class)
        .hasMessageContaining("is not a plain lower-case name");
  }

  @Test
  void redisNeedsARedisUrl() {
    String failure =
        failureType(
            () ->
                activities(Map.of())
                    .execute(step("redis", Map.of("url", "http://x", "command", "ping"), 5)));

    assertThat(failure).startsWith(ErrorTypes.RUNBOOK_STEP_INVALID).contains("is not redis://");
  }

  @Test
  void typesTheWorkflowCarriesOutAreRefusedHere() {
    String failure =
        failureType(() -> activities(Map.of()).execute(step("wait", Map.of("duration", "1s"), 5)));

    assertThat(failure).startsWith(ErrorTypes.RUNBOOK_STEP_INVALID).contains("'wait'");
  }
}
