package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@code http}: one request; a status other than the expected one fails the attempt. */
final class HttpStep implements StepAction {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public StepResult plan(StepInvocation step) {
    StepArgs args = new StepArgs(step);
    return StepResult.of(
        "would send "
            + args.optionalText("method", "GET")
            + " "
            + args.optionalText("url", "?")
            + " and expect status "
            + args.optionalText("expectStatus", "2xx"));
  }

  @Override
  public StepResult execute(StepInvocation step) throws Exception {
    StepArgs args = new StepArgs(step);
    URI uri;
    try {
      uri = URI.create(args.text("url"));
    } catch (IllegalArgumentException e) {
      throw new InvalidStepException("with.url is not a URL: " + e.getMessage());
    }
    String body = args.optionalText("body", null);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(Math.max(1, step.timeoutSeconds())))
            .method(
                args.optionalText("method", "GET"),
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    args.map("headers").forEach(request::header);
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    int expected = args.integer("expectStatus", -1);
    boolean ok =
        expected < 0
            ? response.statusCode() >= 200 && response.statusCode() < 300
            : response.statusCode() == expected;
    String text = "HTTP " + response.statusCode() + "\n" + response.body();
    if (!ok) {
      throw new IOException(
          "expected status " + (expected < 0 ? "2xx" : expected) + " but got " + text);
    }
    return StepResult.of(text);
  }
}
