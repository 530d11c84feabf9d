package dev.lifeboat.workflows.shared;

import dev.lifeboat.workflows.activities.PostgresActivities;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.ReplicationPeer;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.mockito.Mockito;

/** The demo topology (primary sydney, standby tokyo) and probes of it, shared by tests. */
public final class Fixtures {

  public static final NodeSpec SYDNEY =
      new NodeSpec("sydney", "sydney", 100, 1, "127.0.0.1", 55432, "shop", "postgres", "pg-shop");
  public static final NodeSpec TOKYO =
      new NodeSpec("tokyo", "tokyo", 50, 1, "127.0.0.1", 55433, "shop", "postgres", "pg-shop");
  public static final ClusterSpec SHOP =
      new ClusterSpec("shop", "active-passive", List.of(SYDNEY, TOKYO));

  /** A PgBouncer endpoint of the orchestration queue, as the failover tests use it. */
  public static final TrafficEndpoint BOUNCER =
      new TrafficEndpoint(
          "pgbouncer",
          "bouncer",
          null,
          "127.0.0.1",
          6432,
          "lifeboat",
          null,
          "shop",
          "/x.ini",
          null,
          null,
          null,
          null,
          null);

  private Fixtures() {}

  /**
   * The activities of a region's worker that may be gone: while {@code gone} says so, every call
   * fails as an activity on an unpolled queue would; otherwise it is answered by {@code delegate}.
   */
  public static PostgresActivities workerThatMayBeGone(
      PostgresActivities delegate, BooleanSupplier gone) {
    return Mockito.mock(
        PostgresActivities.class,
        Mockito.withSettings()
            .withoutAnnotations()
            .defaultAnswer(
                i -> {
                  if (gone.getAsBoolean()) {
                    throw new IllegalStateException("no worker in this region");
                  }
                  return i.getMethod().invoke(delegate, i.getArguments());
                }));
  }

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
        null,
        false);
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
        null,
        false);
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
        null,
        false);
  }
}
