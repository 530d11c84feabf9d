package dev.lifeboat.starter.cli;

import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.NodeSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code lifeboat config check}: validates lifeboat.yaml and prints what it defines. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Validate lifeboat.yaml and show the clusters it defines.",
    subcommands = {ConfigCommand.Check.class})
public final class ConfigCommand {

  /** Validates the configuration; exit 0 when valid, 2 with every problem listed when not. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = "Validate the configuration and print its clusters and nodes.")
  static final class Check implements Callable<Integer> {

    @Mixin ConfigOption config;

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      LifeboatConfig loaded = config.load();
      var out = spec.commandLine().getOut();
      out.println(loaded.source() + " is valid.");
      out.println(
          "Temporal "
              + loaded.temporal().address()
              + ", namespace "
              + loaded.temporal().namespace());
      for (ClusterSpec cluster : loaded.clusters().values()) {
        out.println("cluster " + cluster.name() + " (" + cluster.strategy() + ")");
        for (NodeSpec node : cluster.nodes()) {
          out.printf(
              "  %-10s region %-10s %s:%d priority %d weight %d%n",
              node.name(), node.region(), node.host(), node.port(), node.priority(), node.weight());
        }
      }
      return ExitCodes.OK;
    }
  }
}
