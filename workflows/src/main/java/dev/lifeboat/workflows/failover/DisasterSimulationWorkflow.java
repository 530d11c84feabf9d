package dev.lifeboat.workflows.failover;

import dev.lifeboat.workflows.model.SimulationReport;
import dev.lifeboat.workflows.model.SimulationRequest;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Simulates the loss of a region's PostgreSQL. In {@code plan} mode it says what the monitor and
 * the failover would do and the RTO to expect, and touches nothing. In {@code live} mode (only on
 * clusters marked {@code drill: true}) it makes sure the cluster's monitor runs, kills the region's
 * postmaster with SIGKILL, waits for the monitor's failover, measures the RTO from the kill, and
 * then restores the topology: restarts the node (the monitor fences it), rejoins it and switches
 * back.
 */
@WorkflowInterface
public interface DisasterSimulationWorkflow {

  /** The workflow id of a cluster's simulation. */
  static String workflowId(String cluster) {
    return "simulate-" + cluster;
  }

  /**
   * Plans or runs the simulation.
   *
   * @param request cluster, region and mode
   * @return the plan or the measurements
   */
  @WorkflowMethod
  SimulationReport simulate(SimulationRequest request);
}
