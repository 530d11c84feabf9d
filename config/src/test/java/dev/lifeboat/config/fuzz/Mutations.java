package dev.lifeboat.config.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Damages a YAML document the way people and tools do: lines lost, doubled or swapped, values
 * replaced by the wrong type or by junk, indentation shifted, the text cut short. Deterministic for
 * a seed, so a failing case can be replayed from the seed jqwik reports.
 */
final class Mutations {

  private static final String[] JUNK = {
    "",
    "~",
    "null",
    "-1",
    "0",
    "99999999999999999999",
    "1e309",
    "true",
    "[",
    "]",
    "{",
    "}",
    "[]",
    "{}",
    "'",
    "\"",
    "\\u0000",
    "${",
    "${UNSET",
    "${UNSET:-}",
    "- x",
    "&a",
    "*a",
    "!!binary x",
    "? x",
    "|",
    ">",
    "@",
    "`",
    "%TAG",
    "é",
    "\t",
    "0x10",
    "1h2m",
    "-5s",
    "s3://",
    "file://../../..",
    "a: b: c",
    "[1, [2, {3: 4}]]"
  };

  private Mutations() {}

  /** Applies between one and {@code maxEdits} random edits to {@code text}. */
  static String mutate(String text, long seed, int maxEdits) {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int edits = 1 + random.nextInt(maxEdits);
    for (int i = 0; i < edits && !lines.isEmpty(); i++) {
      int at = random.nextInt(lines.size());
      String line = lines.get(at);
      switch (random.nextInt(8)) {
        case 0 -> lines.remove(at);
        case 1 -> lines.add(at, line);
        case 2 -> {
          int other = random.nextInt(lines.size());
          lines.set(at, lines.get(other));
          lines.set(other, line);
        }
        case 3 -> lines.set(at, replaceValue(line, junk(random)));
        case 4 -> lines.set(at, (random.nextBoolean() ? "  " : "") + line.stripLeading());
        case 5 -> lines.set(at, line + junk(random));
        case 6 -> {
          int cut = line.isEmpty() ? 0 : random.nextInt(line.length());
          lines.set(at, line.substring(0, cut));
        }
        default -> lines.set(at, replaceKey(line, junk(random)));
      }
    }
    String out = String.join("\n", lines);
    if (random.nextInt(10) == 0 && !out.isEmpty()) {
      out = out.substring(0, random.nextInt(out.length()));
    }
    return out;
  }

  private static String junk(Random random) {
    return JUNK[random.nextInt(JUNK.length)];
  }

  private static String replaceValue(String line, String value) {
    int colon = line.indexOf(": ");
    return colon < 0 ? line + value : line.substring(0, colon + 2) + value;
  }

  private static String replaceKey(String line, String key) {
    int colon = line.indexOf(':');
    if (colon < 0) {
      return line;
    }
    String indent = line.substring(0, line.length() - line.stripLeading().length());
    return indent + key + line.substring(colon);
  }
}
