package dev.lifeboat.starter.cli;

import dev.lifeboat.config.ConfigException;
import dev.lifeboat.config.runbook.RunbookException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.io.PrintWriter;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one sentence on stderr and an exit code, so scripts and operators get
 * the cause without a stack trace. {@code LIFEBOAT_DEBUG=1} adds the stack trace.
 */
public final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("lifeboat: " + e.getMessage());
    err.println(
        "Run '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    err.println("lifeboat: " + describe(e));
    if ("1".equals(System.getenv("LIFEBOAT_DEBUG"))) {
      e.printStackTrace(err);
    }
    err.flush();
    return e instanceof ConfigException
            || e instanceof RunbookException
            || e instanceof IllegalArgumentException
        ? ExitCodes.USAGE
        : ExitCodes.FAILED;
  }

  /** Returns the one-sentence explanation of a failure. */
  static String describe(Throwable e) {
    if (e instanceof ConfigException || e instanceof RunbookException) {
      return e.getMessage();
    }
    if (e instanceof WorkflowUpdateException refused && refused.getCause() != null) {
      return "refused: " + rootMessage(refused.getCause());
    }
    if (e instanceof TimeoutException) {
      return e.getMessage();
    }
    if (e instanceof WorkflowFailedException failed) {
      Throwable cause = failed.getCause();
      while (cause != null && !(cause instanceof ApplicationFailure) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      String detail =
          cause instanceof ApplicationFailure app
              ? app.getOriginalMessage()
              : String.valueOf(cause);
      return "workflow " + failed.getExecution().getWorkflowId() + " failed: " + detail;
    }
    StatusRuntimeException grpc = findGrpc(e);
    if (grpc != null && grpc.getStatus().getCode() == Status.Code.UNAVAILABLE) {
      return "cannot reach the Temporal server ("
          + grpc.getStatus().getDescription()
          + "); start it with './lifeboat stack up' or set TEMPORAL_ADDRESS";
    }
    if (e instanceof WorkflowServiceException && e.getCause() != null) {
      return e.getMessage() + ": " + e.getCause().getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure app ? app.getOriginalMessage() : cause.getMessage();
  }

  private static StatusRuntimeException findGrpc(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException grpc) {
        return grpc;
      }
    }
    return null;
  }
}
