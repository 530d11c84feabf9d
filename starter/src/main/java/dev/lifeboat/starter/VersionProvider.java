package dev.lifeboat.starter;

import picocli.CommandLine.IVersionProvider;

/** Reports the version from the jar manifest, or "development" when run from classes. */
public final class VersionProvider implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = LifeboatCli.class.getPackage().getImplementationVersion();
    return new String[] {"lifeboat " + (version == null ? "development" : version)};
  }
}
