package dev.lifeboat.config;

import java.util.List;

/**
 * What a worker process serves.
 *
 * @param regions the regions whose task queues this worker polls (empty means every region named by
 *     a node of any cluster, which suits a single worker beside every database)
 * @param metricsHost address the Prometheus endpoint binds to: 127.0.0.1 by default, 0.0.0.0 in a
 *     container whose port is published
 * @param metricsPort port of the Prometheus {@code /metrics} endpoint; 0 disables it
 */
public record WorkerSettings(List<String> regions, String metricsHost, int metricsPort) {

  public WorkerSettings {
    regions = List.copyOf(regions);
  }
}
