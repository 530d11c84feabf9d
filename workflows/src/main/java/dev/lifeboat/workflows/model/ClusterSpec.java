package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * A PostgreSQL cluster as configured in lifeboat.yaml: its nodes and its traffic strategy.
 *
 * @param name the cluster's name, for example {@code shop}
 * @param strategy {@code active-passive}, {@code active-active} or {@code multi-region}
 * @param nodes every node, primary and standbys, in configuration order
 */
public record ClusterSpec(String name, String strategy, List<NodeSpec> nodes) {

  public ClusterSpec {
    nodes = List.copyOf(nodes);
  }
}
