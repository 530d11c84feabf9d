package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import picocli.CommandLine.Option;

/** The {@code --cluster} option of every command that acts on one cluster. */
public final class ClusterOption {

  @Option(
      names = "--cluster",
      defaultValue = "shop",
      description = "Cluster, as named in lifeboat.yaml (default: ${DEFAULT-VALUE}).")
  String name;

  /**
   * Returns the cluster name after checking that the configuration defines it.
   *
   * @throws IllegalArgumentException naming the configured clusters otherwise (exit code 2)
   */
  public String require(LifeboatConfig config) {
    if (config.cluster(name).isEmpty()) {
      throw new IllegalArgumentException(
          "cluster '"
              + name
              + "' is not in "
              + config.source()
              + "; configured clusters: "
              + config.clusters().keySet());
    }
    return name;
  }
}
