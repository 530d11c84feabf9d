package dev.lifeboat.workflows.model;

/**
 * One PostgreSQL node of a cluster as configured in lifeboat.yaml.
 *
 * <p>It carries the name of the secret that holds the password, never the password itself, because
 * workflow inputs and results are stored in Temporal's history.
 *
 * @param name the node's name, unique in its cluster, also its {@code application_name} when it
 *     streams from the primary
 * @param region the region it runs in; its activities run on that region's task queue
 * @param priority failover preference, higher first
 * @param weight share of reads in an active-active topology
 * @param host host name or address the worker connects to
 * @param port PostgreSQL port
 * @param database database to connect to
 * @param user role to connect as
 * @param passwordSecret name of the secret holding the password, or null for none
 * @param dataDir the node's data directory on its host, for the actions that need the files (stop,
 *     start, rejoin with {@code pg_rewind}); null when Lifeboat may only talk to it over the wire
 * @param replicationUser the role standbys stream as when they follow this node
 * @param replicationSecret the name of the secret holding that role's password
 */
public record NodeSpec(
    String name,
    String region,
    int priority,
    int weight,
    String host,
    int port,
    String database,
    String user,
    String passwordSecret,
    String dataDir,
    String replicationUser,
    String replicationSecret) {

  /** A node Lifeboat only talks to over the wire. */
  public NodeSpec(
      String name,
      String region,
      int priority,
      int weight,
      String host,
      int port,
      String database,
      String user,
      String passwordSecret) {
    this(
        name,
        region,
        priority,
        weight,
        host,
        port,
        database,
        user,
        passwordSecret,
        null,
        null,
        null);
  }
}
