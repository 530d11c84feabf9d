package dev.lifeboat.workflows.model;

/**
 * Where the cluster's clients are sent (lifeboat.yaml {@code clusters.<name>.traffic[]}). A
 * failover fences the old primary and points every endpoint of the cluster at the new one.
 *
 * <p>One record for the three kinds keeps the JSON input of a workflow flat; the fields a kind does
 * not use are null.
 *
 * @param type {@value #PGBOUNCER}, {@value #ROUTE53} or {@value #FILE}
 * @param name the endpoint's name, unique in its cluster
 * @param region the region whose worker runs this endpoint's activities (PgBouncer's config file is
 *     on that host); null for the orchestration queue
 * @param host PgBouncer's host (pgbouncer)
 * @param port PgBouncer's port (pgbouncer)
 * @param adminUser a user listed in PgBouncer's {@code admin_users} (pgbouncer)
 * @param adminPasswordSecret the name of the secret holding that user's password (pgbouncer)
 * @param database the database name clients use in PgBouncer (pgbouncer)
 * @param configFile PgBouncer's ini file, whose {@code [databases]} entry is rewritten (pgbouncer);
 *     the file of the {@code file} kind
 * @param hostedZoneId the Route53 hosted zone (route53)
 * @param recordName the weighted record set's name; one record per node, its set identifier the
 *     node's name (route53)
 * @param awsRegion the AWS region (route53)
 * @param endpoint an endpoint override, for example a local emulator (route53)
 * @param credentialsSecret the name of the secret holding {@code accessKey:secretKey} (route53)
 */
public record TrafficEndpoint(
    String type,
    String name,
    String region,
    String host,
    int port,
    String adminUser,
    String adminPasswordSecret,
    String database,
    String configFile,
    String hostedZoneId,
    String recordName,
    String awsRegion,
    String endpoint,
    String credentialsSecret) {

  /** PgBouncer, retargeted by rewriting its ini file and {@code RELOAD}. */
  public static final String PGBOUNCER = "pgbouncer";

  /** Route53 weighted records, one per node. */
  public static final String ROUTE53 = "route53";

  /** A file naming the primary, for scripts. */
  public static final String FILE = "file";
}
