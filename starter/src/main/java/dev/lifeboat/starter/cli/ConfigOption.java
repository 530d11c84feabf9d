package dev.lifeboat.starter.cli;

import dev.lifeboat.config.ConfigLoader;
import dev.lifeboat.config.LifeboatConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by every command that needs lifeboat.yaml. */
public final class ConfigOption {

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "Configuration file (default: $LIFEBOAT_CONFIG, else ./lifeboat.yaml).")
  Path file;

  /** Loads and validates the configuration, throwing a ConfigException that names every problem. */
  public LifeboatConfig load() {
    ConfigLoader loader = new ConfigLoader();
    return loader.load(loader.locate(file));
  }
}
