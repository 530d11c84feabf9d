package dev.lifeboat.starter.cli;

import dev.lifeboat.workflows.model.ClusterTopology;
import dev.lifeboat.workflows.model.NodeHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a cluster topology as the fixed-width table the CLI prints. */
public final class TopologyTable {

  private static final String[] HEADERS = {
    "NODE", "REGION", "ROLE", "STATE", "LSN", "LAG BYTES", "LAG SEC", "LATENCY", "NOTE"
  };

  private TopologyTable() {}

  /** Returns the table, a header line and one line per node, each ending in a newline. */
  public static String render(ClusterTopology topology) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (NodeHealth node : topology.nodes()) {
      rows.add(
          new String[] {
            node.node(),
            node.region(),
            node.role().name().toLowerCase(Locale.ROOT),
            state(node),
            dash(node.lsn()),
            node.lagBytes() == null ? "-" : String.format(Locale.ROOT, "%,d", node.lagBytes()),
            node.lagSeconds() == null ? "-" : String.format(Locale.ROOT, "%.3f", node.lagSeconds()),
            node.latencyMillis() + " ms",
            node.error() == null ? "" : node.error()
          });
    }
    int[] widths = new int[HEADERS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length - 1; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : pad(row[i], widths[i] + 2));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  private static String state(NodeHealth node) {
    if (!node.reachable()) {
      return "DOWN";
    }
    if (node.streaming() == null) {
      return "up";
    }
    return node.streaming() ? "streaming" : "NOT STREAMING";
  }

  private static String dash(String value) {
    return value == null ? "-" : value;
  }

  private static String pad(String value, int width) {
    return value + " ".repeat(Math.max(0, width - value.length()));
  }
}
