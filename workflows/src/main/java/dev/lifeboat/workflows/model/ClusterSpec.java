package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * A PostgreSQL cluster as configured in lifeboat.yaml: its nodes, how traffic reaches them, how
 * they are watched and when Lifeboat may fail over.
 *
 * @param name the cluster's name, for example {@code shop}
 * @param strategy {@code active-passive}, {@code active-active} or {@code multi-region}
 * @param nodes every node, primary and standbys, in configuration order
 * @param drill whether live disaster simulations and practice runbooks may really break it
 * @param replication {@value #SYNCHRONOUS} or {@value #ASYNCHRONOUS}
 * @param health how the monitor probes and judges nodes
 * @param failover when a standby may be promoted without an operator
 * @param traffic the endpoints that send clients to the primary
 */
public record ClusterSpec(
    String name,
    String strategy,
    List<NodeSpec> nodes,
    boolean drill,
    String replication,
    HealthSettings health,
    FailoverPolicy failover,
    List<TrafficEndpoint> traffic) {

  /** Commits wait for a standby's flush: promotion of that standby loses nothing. */
  public static final String SYNCHRONOUS = "synchronous";

  /** Commits do not wait for standbys: promotion may lose what was not yet streamed. */
  public static final String ASYNCHRONOUS = "asynchronous";

  public ClusterSpec {
    nodes = List.copyOf(nodes);
    // Histories recorded before these fields existed carry none of them.
    replication = replication == null ? ASYNCHRONOUS : replication;
    health = health == null ? HealthSettings.defaults() : health;
    failover = failover == null ? FailoverPolicy.defaults() : failover;
    traffic = traffic == null ? List.of() : List.copyOf(traffic);
  }

  /** A cluster with default health, failover and no traffic endpoint. */
  public ClusterSpec(String name, String strategy, List<NodeSpec> nodes) {
    this(name, strategy, nodes, false, ASYNCHRONOUS, null, null, null);
  }

  /** Returns the named node, or null. */
  public NodeSpec node(String nodeName) {
    return nodes.stream().filter(n -> n.name().equals(nodeName)).findFirst().orElse(null);
  }

  /** Returns the first node of the given region, or null. */
  public NodeSpec nodeInRegion(String region) {
    return nodes.stream().filter(n -> n.region().equals(region)).findFirst().orElse(null);
  }
}
