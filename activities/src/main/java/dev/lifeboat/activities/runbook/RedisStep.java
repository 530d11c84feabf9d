package dev.lifeboat.activities.runbook;

import dev.lifeboat.workflows.runbook.StepInvocation;
import dev.lifeboat.workflows.runbook.StepResult;
import java.net.URI;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * {@code redis}: {@code ping}, {@code info [section]}, {@code flush} (one database), and the
 * feature flags applications keep in Redis: {@code flag-get} and {@code flag-set}.
 */
final class RedisStep implements StepAction {

  @Override
  public StepResult plan(StepInvocation step) {
    StepArgs args = new StepArgs(step);
    return StepResult.of(
        "would send "
            + args.optionalText("command", "?")
            + (args.optionalText("flag", null) == null ? "" : " " + args.optionalText("flag", ""))
            + (args.optionalText("value", null) == null ? "" : "=" + args.optionalText("value", ""))
            + " to "
            + args.optionalText("url", "?"));
  }

  @Override
  public StepResult execute(StepInvocation step) throws Exception {
    StepArgs args = new StepArgs(step);
    URI uri = URI.create(args.text("url"));
    if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new InvalidStepException(
          "with.url '" + uri + "' is not redis://HOST:PORT[/DB]; e.g. redis://127.0.0.1:6379");
    }
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, step.timeoutSeconds() * 1000);
    int database = args.integer("database", databaseOf(uri));
    try (Jedis jedis =
        new Jedis(
            new HostAndPort(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()),
            DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(Math.min(timeoutMillis, 5000))
                .socketTimeoutMillis(timeoutMillis)
                .database(database)
                .build())) {
      String command = args.text("command");
      return StepResult.of(
          switch (command) {
            case "ping" -> jedis.ping();
            case "info" -> {
              String section = args.optionalText("section", null);
              yield section == null ? jedis.info() : jedis.info(section);
            }
            case "flush" -> "flushed database " + database + ": " + jedis.flushDB();
            case "flag-get" -> {
              String flag = args.text("flag");
              yield flag + "=" + jedis.get(flag);
            }
            case "flag-set" -> {
              String flag = args.text("flag");
              String value = args.text("value");
              jedis.set(flag, value);
              yield flag + "=" + value;
            }
            default ->
                throw new InvalidStepException(
                    "redis command '" + command + "' is not ping, info, flush, flag-get, flag-set");
          });
    }
  }

  private static int databaseOf(URI uri) {
    String path = uri.getPath();
    return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
  }
}
