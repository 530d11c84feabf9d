package dev.lifeboat.config;

import java.util.List;

/**
 * What a worker process serves.
 *
 * @param regions the regions whose task queues this worker polls (empty means every region named by
 *     a node of any cluster, which suits a single worker beside every database)
 * @param metricsPort port of the Prometheus {@code /metrics} endpoint on 127.0.0.1; 0 disables it
 */
public record WorkerSettings(List<String> regions, int metricsPort) {

  public WorkerSettings {
    regions = List.copyOf(regions);
  }
}
