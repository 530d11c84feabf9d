package dev.lifeboat.workflows.runbook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hash an approver signs: SHA-256 over the step's id, type and resolved arguments, written in a
 * canonical order. Approving with the hash shown by {@code lifeboat runbook status} proves the
 * approver saw the very arguments that will run, parameters filled in.
 */
public final class StepFingerprint {

  private StepFingerprint() {}

  /** Returns the hex SHA-256 of the resolved step, 64 characters. */
  public static String of(String stepId, String type, Map<String, Object> resolvedWith) {
    StringBuilder text = new StringBuilder();
    text.append(stepId).append('\n').append(type).append('\n');
    canonical(resolvedWith, text);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  private static void canonical(Object value, StringBuilder out) {
    if (value instanceof Map<?, ?> map) {
      out.append('{');
      new TreeMap<String, Object>(stringKeys(map))
          .forEach(
              (k, v) -> {
                out.append(k).append('=');
                canonical(v, out);
                out.append(';');
              });
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      list.forEach(
          item -> {
            canonical(item, out);
            out.append(',');
          });
      out.append(']');
    } else {
      out.append(value);
    }
  }

  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    Map<String, Object> out = new TreeMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v));
    return out;
  }
}
