package dev.lifeboat.workflows.model;

import java.util.List;

/**
 * What one probe of one node saw. An unreachable node is a normal result ({@code reachable = false}
 * with the error), not an activity failure, so the workflow can count failures. A probe that never
 * came back (no worker of the vantage point's region answered in time) is {@code unknown}: it says
 * nothing about the node, so it must never count as a failure of it.
 *
 * @param node node name
 * @param region node region
 * @param reachable whether a connection and the probe queries succeeded
 * @param role primary or standby; {@link NodeRole#UNKNOWN} when unreachable
 * @param serverVersion {@code server_version}, for example {@code 15.18}
 * @param systemIdentifier the cluster's system identifier; equal on a primary and its standbys
 * @param timeline the current timeline
 * @param lsn on a primary the current write LSN, on a standby the last replayed LSN
 * @param receiveLsn on a standby the last LSN received from the primary, else null
 * @param replicas on a primary the standbys streaming from it, else empty
 * @param latencyMillis round trip of connect plus the probe queries, in milliseconds
 * @param error why the node is unreachable, else null
 * @param unknown whether the probe itself did not complete, so nothing is known of the node
 */
public record NodeProbe(
    String node,
    String region,
    boolean reachable,
    NodeRole role,
    String serverVersion,
    String systemIdentifier,
    long timeline,
    String lsn,
    String receiveLsn,
    List<ReplicationPeer> replicas,
    long latencyMillis,
    String error,
    boolean unknown) {

  public NodeProbe {
    replicas = replicas == null ? List.of() : List.copyOf(replicas);
  }

  /** Whether the probe ran and could not reach the node: evidence that it is down. */
  public boolean seenDown() {
    return !reachable && !unknown;
  }

  /** Returns the probe of a node that could not be reached. */
  public static NodeProbe unreachable(NodeSpec node, long latencyMillis, String error) {
    return absent(node, latencyMillis, error, false);
  }

  /**
   * Returns the probe that never came back: the vantage point's worker is gone or too slow, which
   * says nothing about the node.
   */
  public static NodeProbe unknown(NodeSpec node, String why) {
    return absent(node, 0, why, true);
  }

  private static NodeProbe absent(NodeSpec node, long latencyMillis, String why, boolean unknown) {
    return new NodeProbe(
        node.name(),
        node.region(),
        false,
        NodeRole.UNKNOWN,
        null,
        null,
        0,
        null,
        null,
        List.of(),
        latencyMillis,
        why,
        unknown);
  }
}
