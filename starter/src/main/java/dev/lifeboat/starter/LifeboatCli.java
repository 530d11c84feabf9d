package dev.lifeboat.starter;

import dev.lifeboat.starter.cli.ArchiveCommand;
import dev.lifeboat.starter.cli.BackupCommand;
import dev.lifeboat.starter.cli.ConfigCommand;
import dev.lifeboat.starter.cli.ErrorReporter;
import dev.lifeboat.starter.cli.FailoverCommand;
import dev.lifeboat.starter.cli.HealthCommand;
import dev.lifeboat.starter.cli.MonitorCommand;
import dev.lifeboat.starter.cli.RestoreCommand;
import dev.lifeboat.starter.cli.RestoreTableCommand;
import dev.lifeboat.starter.cli.RunbookCommand;
import dev.lifeboat.starter.cli.ScheduleCommand;
import dev.lifeboat.starter.cli.SimulateCommand;
import dev.lifeboat.starter.cli.WarmUpCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lifeboat} command line. Exit codes: 0 success, 1 the operation ran and failed (or
 * found the cluster unhealthy), 2 bad usage or configuration. Errors go to stderr in one sentence.
 */
@Command(
    name = "lifeboat",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description =
        "PostgreSQL disaster recovery on Temporal: backups, restores, failovers, runbooks.",
    subcommands = {
      HealthCommand.class,
      BackupCommand.class,
      ArchiveCommand.class,
      RestoreCommand.class,
      RestoreTableCommand.class,
      FailoverCommand.class,
      MonitorCommand.class,
      SimulateCommand.class,
      ScheduleCommand.class,
      RunbookCommand.class,
      ConfigCommand.class,
      WarmUpCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LifeboatCli {

  /** Builds the command line with Lifeboat's error handling, for main and for tests. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new LifeboatCli());
    ErrorReporter errors = new ErrorReporter();
    commandLine.setExecutionExceptionHandler(errors);
    commandLine.setParameterExceptionHandler(errors);
    return commandLine;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
