package dev.lifeboat.workflows.shared;

import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.ReplicationPeer;
import java.util.List;

/** The demo topology (primary sydney, standby tokyo) and probes of it, shared by tests. */
public final class Fixtures {

  public static final NodeSpec SYDNEY =
      new NodeSpec("sydney", "sydney", 100, 1, "127.0.0.1", 55432, "shop", "postgres", "pg-shop");
  public static final NodeSpec TOKYO =
      new NodeSpec("tokyo", "tokyo", 50, 1, "127.0.0.1", 55433, "shop", "postgres", "pg-shop");
  public static final ClusterSpec SHOP =
      new ClusterSpec("shop", "active-passive", List.of(SYDNEY, TOKYO));

  private Fixtures() {}

  /** A primary at {@code lsn} with tokyo streaming and replayed up to {@code tokyoLsn}. */
  public static NodeProbe primary(NodeSpec node, String lsn, String tokyoLsn, Double lagSeconds) {
    return new NodeProbe(
        node.name(),
        node.region(),
        true,
        NodeRole.PRIMARY,
        "15.18",
        "7300000000000000001",
        1,
        lsn,
        null,
        List.of(new ReplicationPeer("tokyo", "streaming", "async", lsn, tokyoLsn, lagSeconds)),
        3,
        null);
  }

  /** A primary with no standby streaming from it. */
  public static NodeProbe lonelyPrimary(NodeSpec node, String lsn) {
    return new NodeProbe(
        node.name(),
        node.region(),
        true,
        NodeRole.PRIMARY,
        "15.18",
        "7300000000000000001",
        1,
        lsn,
        null,
        List.of(),
        3,
        null);
  }

  /** A standby replayed up to {@code lsn}. */
  public static NodeProbe standby(NodeSpec node, String lsn) {
    return new NodeProbe(
        node.name(),
        node.region(),
        true,
        NodeRole.STANDBY,
        "15.18",
        "7300000000000000001",
        1,
        lsn,
        lsn,
        List.of(),
        4,
        null);
  }
}
