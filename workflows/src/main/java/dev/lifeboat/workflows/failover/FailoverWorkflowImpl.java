package dev.lifeboat.workflows.failover;

import static dev.lifeboat.workflows.failover.FailoverStubs.fencer;
import static dev.lifeboat.workflows.failover.FailoverStubs.promoter;
import static dev.lifeboat.workflows.failover.FailoverStubs.quick;
import static dev.lifeboat.workflows.failover.FailoverStubs.redirector;
import static dev.lifeboat.workflows.failover.FailoverStubs.rejoiner;
import static dev.lifeboat.workflows.failover.FailoverStubs.slow;

import dev.lifeboat.workflows.activities.TopologyActivities;
import dev.lifeboat.workflows.common.DrSearchAttributes;
import dev.lifeboat.workflows.common.ErrorTypes;
import dev.lifeboat.workflows.health.RegionalProbes;
import dev.lifeboat.workflows.model.ClusterSpec;
import dev.lifeboat.workflows.model.FailoverApproval;
import dev.lifeboat.workflows.model.FailoverProgress;
import dev.lifeboat.workflows.model.FailoverRequest;
import dev.lifeboat.workflows.model.FailoverResult;
import dev.lifeboat.workflows.model.FenceReport;
import dev.lifeboat.workflows.model.NodeProbe;
import dev.lifeboat.workflows.model.NodeRole;
import dev.lifeboat.workflows.model.NodeSpec;
import dev.lifeboat.workflows.model.PromotionResult;
import dev.lifeboat.workflows.model.TrafficEndpoint;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/** The failover saga; see {@link FailoverWorkflow}. Reads top to bottom like the runbook. */
public class FailoverWorkflowImpl implements FailoverWorkflow {

  private static final Logger log = Workflow.getLogger(FailoverWorkflowImpl.class);

  /** How long the inspecting probes may take, a worker's queue wait included. */
  private static final Duration INSPECTION_DEADLINE = Duration.ofSeconds(15);

  private final TopologyActivities topology =
      Workflow.newActivityStub(
          TopologyActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(10))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(5).build())
              .build());

  private String step = "inspecting";
  private String cluster;
  private String oldPrimaryName;
  private String candidateName;
  private long estimatedLoss;
  private long budget;
  private final FenceLedger fencing = new FenceLedger();
  private boolean awaitingApproval;
  private String approvalNeededBecause;

  /**
   * Runs started before this rule promoted whether or not the fence held, and stopped without
   * demoting on disk; they keep doing so on replay.
   */
  private boolean fenceMustHold;

  private FailoverApproval decision;

  @Override
  public FailoverResult failover(FailoverRequest request) {
    validate(request);
    cluster = request.cluster();
    boolean switchover = FailoverRequest.SWITCHOVER.equals(request.mode());
    long startedAt = Workflow.currentTimeMillis();
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.CLUSTER.valueSet(cluster),
        DrSearchAttributes.KIND.valueSet(DrSearchAttributes.KIND_FAILOVER),
        DrSearchAttributes.OUTCOME.valueSet("running"));

    fenceMustHold = Workflow.getVersion("fence-must-hold", Workflow.DEFAULT_VERSION, 1) >= 1;
    ClusterSpec spec = topology.describeCluster(cluster);
    budget = spec.failover().rpoBudgetBytes();
    boolean synchronous = ClusterSpec.SYNCHRONOUS.equals(spec.replication());
    Inspection seen;
    if (fenceMustHold) {
      seen =
          Inspection.of(
              spec,
              new RegionalProbes(INSPECTION_DEADLINE)
                  .probeFromEach(spec, RegionalProbes.vantagePoints(spec)));
    } else {
      seen = Inspection.ownRegions(new RegionalProbes(INSPECTION_DEADLINE).probeAll(spec));
    }
    List<NodeProbe> probes = seen.merged();

    NodeProbe livePrimary = Primaries.newest(probes).orElse(null);
    NodeSpec oldPrimary =
        fenceMustHold ? seen.oldPrimary(spec, request) : oldPrimary(spec, livePrimary, request);
    oldPrimaryName = oldPrimary.name();
    String primaryLsn = livePrimary != null ? livePrimary.lsn() : request.lastPrimaryLsn();
    if (switchover && (livePrimary == null || !livePrimary.node().equals(oldPrimary.name()))) {
      throw fail(
          "a switchover needs a running primary to hand over from, and none answered; use mode"
              + " failover",
          ErrorTypes.BAD_FAILOVER_TARGET);
    }

    step = "choosing";
    CandidateChooser.Candidate candidate =
        chooseCandidate(spec, probes, oldPrimary, primaryLsn, request.targetRegion());
    NodeSpec newPrimary = candidate.node();
    candidateName = newPrimary.name();
    estimatedLoss = switchover ? 0 : candidate.lagBytes();
    log.info(
        "{} of {}: {} -> {} (estimated loss {} bytes, budget {})",
        request.mode(),
        cluster,
        oldPrimary.name(),
        newPrimary.name(),
        estimatedLoss,
        budget);

    Saga saga = new Saga(new Saga.Options.Builder().setParallelCompensation(false).build());
    boolean promotionAttempted = false;
    String approvedBy = null;
    PromotionResult promotion;
    try {
      step = "fencing";
      fenceOldPrimary(spec, oldPrimary, livePrimary != null, saga);
      if (!switchover
          && (livePrimary != null || fenceMustHold)
          && Workflow.getVersion("stop-live-old-primary", Workflow.DEFAULT_VERSION, 1) == 1) {
        // A primary that still answers is being replaced against its will: stop it, so nothing
        // that bypasses the endpoints can write to it once another node is promoted. One that
        // does not answer is stopped too: its host's worker may still reach it.
        stopOldPrimary(oldPrimary, saga);
      }
      List<String> reasons = new ArrayList<>();
      if (switchover) {
        step = "catching-up";
        String lastLsn = slow(oldPrimary).currentLsn(oldPrimary);
        slow(newPrimary).waitForReplay(newPrimary, lastLsn, 120);
        stopOldPrimary(oldPrimary, saga);
        if (fenceMustHold && !fencing.serverStopped(oldPrimary)) {
          throw fail(
              "the switchover could not stop "
                  + oldPrimary.name()
                  + " ("
                  + fencing.detail("server " + oldPrimary.name())
                  + "); nothing was promoted",
              ErrorTypes.FENCE_NOT_HELD);
        }
      } else {
        if (!synchronous && estimatedLoss > budget) {
          // With synchronous replication every commit a client saw is on the candidate already;
          // the estimate then only counts WAL that was never acknowledged.
          reasons.add(
              "the promotion would lose up to "
                  + estimatedLoss
                  + " bytes of WAL, more than the budget of "
                  + budget);
        }
        if (fenceMustHold) {
          String unheld = fencing.unheld(spec, oldPrimary, seen);
          if (unheld != null) {
            reasons.add(unheld);
          }
          if (request.approvalNeededBecause() != null) {
            reasons.add(request.approvalNeededBecause());
          }
        }
      }
      if (!reasons.isEmpty()) {
        approvedBy = awaitApproval(spec, String.join("; ", reasons));
      }
      step = "promoting";
      promotionAttempted = true;
      promotion = promoter(newPrimary).promote(newPrimary);
    } catch (TemporalFailure e) {
      if (!promotionAttempted) {
        step = "compensating";
        try {
          Workflow.newDetachedCancellationScope(saga::compensate).run();
        } catch (TemporalFailure undo) {
          // The failover's own failure says why it stopped; an undo that failed (its region's
          // worker gone, say) is logged, never put in its place.
          log.error("failover of {}: undoing the fencing failed: {}", cluster, undo.getMessage());
        }
        Workflow.upsertTypedSearchAttributes(
            DrSearchAttributes.OUTCOME.valueSet(
                isRejection(e) ? "rejected" : "failed-before-promotion"));
      } else {
        Workflow.upsertTypedSearchAttributes(
            DrSearchAttributes.OUTCOME.valueSet("promotion-failed"));
      }
      throw e;
    }

    step = "redirecting";
    long redirectStarted = Workflow.currentTimeMillis();
    List<FenceReport> redirects = new ArrayList<>();
    for (TrafficEndpoint endpoint : spec.traffic()) {
      redirects.add(redirector(endpoint).redirect(endpoint, newPrimary, spec.nodes()));
    }
    long redirected = Workflow.currentTimeMillis();

    step = "repointing";
    List<String> repointed = new ArrayList<>();
    for (NodeProbe probe : probes) {
      NodeSpec standby = spec.node(probe.node());
      if (standby == null
          || standby.name().equals(newPrimary.name())
          || standby.name().equals(oldPrimary.name())
          || !probe.reachable()
          || probe.role() != NodeRole.STANDBY) {
        continue;
      }
      try {
        slow(standby).follow(standby, newPrimary, synchronous);
        repointed.add(standby.name());
      } catch (ActivityFailure e) {
        log.warn("could not repoint {}: {}", standby.name(), e.getCause().getMessage());
      }
    }
    if (switchover) {
      step = "rejoining";
      rejoiner(oldPrimary).rejoin(oldPrimary, newPrimary, synchronous);
      repointed.add(oldPrimary.name());
    }

    step = "done";
    long measuredFrom =
        request.firstFailureAtMillis() > 0 ? request.firstFailureAtMillis() : startedAt;
    FailoverResult result =
        new FailoverResult(
            cluster,
            request.mode(),
            request.reason(),
            request.requestedBy(),
            oldPrimary.name(),
            newPrimary.name(),
            newPrimary.region(),
            fencing.reports(),
            redirects,
            repointed,
            estimatedLoss,
            approvedBy,
            request.verdictAtMillis() > 0 && request.firstFailureAtMillis() > 0
                ? request.verdictAtMillis() - request.firstFailureAtMillis()
                : 0,
            promotion.millis(),
            redirected - redirectStarted,
            redirected - measuredFrom,
            startedAt,
            Workflow.currentTimeMillis());
    Workflow.upsertTypedSearchAttributes(
        DrSearchAttributes.REGION.valueSet(newPrimary.region()),
        DrSearchAttributes.OUTCOME.valueSet("succeeded"));
    log.info(
        "{} of {} done: {} is primary, RTO {} ms",
        request.mode(),
        cluster,
        newPrimary.name(),
        result.rtoMillis());
    return result;
  }

  @Override
  public FailoverProgress progress() {
    return new FailoverProgress(
        cluster,
        step,
        oldPrimaryName,
        candidateName,
        estimatedLoss,
        budget,
        fencing.reports(),
        approvalNeededBecause);
  }

  @Override
  public void validateDecision(FailoverApproval approval) {
    if (!awaitingApproval) {
      throw new IllegalStateException(
          "failover of " + cluster + " is not waiting for approval (it is " + step + ")");
    }
    if (approval == null || approval.approver() == null || approval.approver().isBlank()) {
      throw new IllegalArgumentException("a decision must name its approver");
    }
    if (approval.approve() && approval.acceptedLossBytes() < estimatedLoss) {
      throw new IllegalArgumentException(
          "the promotion would lose up to "
              + estimatedLoss
              + " bytes of WAL; an approval must accept at least that (it accepted "
              + approval.acceptedLossBytes()
              + ")");
    }
  }

  @Override
  public String decide(FailoverApproval approval) {
    decision = approval;
    return approval.approve()
        ? "approved by " + approval.approver() + ": promoting " + candidateName
        : "rejected by " + approval.approver() + ": undoing the fencing";
  }

  // ----- steps -----

  private void fenceOldPrimary(
      ClusterSpec spec, NodeSpec oldPrimary, boolean reachable, Saga saga) {
    for (TrafficEndpoint endpoint : spec.traffic()) {
      saga.addCompensation(() -> redirector(endpoint).redirect(endpoint, oldPrimary, spec.nodes()));
      fencing.hold(endpoint, () -> fencer(endpoint).hold(endpoint, oldPrimary));
    }
    if (reachable) {
      saga.addCompensation(() -> slow(oldPrimary).unfenceWrites(oldPrimary));
      fencing.attempt(
          "writes on " + oldPrimary.name(), () -> quick(oldPrimary).fenceWrites(oldPrimary));
    } else {
      fencing.add(new FenceReport("writes on " + oldPrimary.name(), false, "not reachable"));
    }
  }

  private void stopOldPrimary(NodeSpec oldPrimary, Saga saga) {
    if (oldPrimary.dataDir() == null) {
      fencing.add(new FenceReport("server " + oldPrimary.name(), false, "no dataDir configured"));
      return;
    }
    if (fenceMustHold) {
      // Stopped and demoted on disk: whatever starts it again starts a server in recovery.
      saga.addCompensation(() -> slow(oldPrimary).liftDemotionAndStart(oldPrimary));
      fencing.attempt(
          "server " + oldPrimary.name(), () -> quick(oldPrimary).stopAndDemote(oldPrimary));
      return;
    }
    saga.addCompensation(() -> slow(oldPrimary).startServer(oldPrimary));
    fencing.attempt(
        "server " + oldPrimary.name(),
        () -> {
          boolean was = quick(oldPrimary).stopServer(oldPrimary);
          return new FenceReport(
              "server " + oldPrimary.name(), true, was ? "stopped" : "was not running");
        });
  }

  private CandidateChooser.Candidate chooseCandidate(
      ClusterSpec spec,
      List<NodeProbe> probes,
      NodeSpec oldPrimary,
      String primaryLsn,
      String targetRegion) {
    if (targetRegion != null) {
      NodeSpec target = spec.nodeInRegion(targetRegion);
      if (target == null) {
        throw fail(
            "cluster " + cluster + " has no node in region " + targetRegion,
            ErrorTypes.BAD_FAILOVER_TARGET);
      }
      NodeProbe probe =
          probes.stream().filter(p -> p.node().equals(target.name())).findFirst().orElseThrow();
      if (!probe.reachable() || probe.role() != NodeRole.STANDBY) {
        throw fail(
            target.name()
                + " in "
                + targetRegion
                + " is not a healthy standby ("
                + (probe.reachable() ? "it is " + probe.role() : "unreachable: " + probe.error())
                + ")",
            ErrorTypes.BAD_FAILOVER_TARGET);
      }
    }
    Optional<CandidateChooser.Candidate> chosen =
        CandidateChooser.choose(spec, probes, oldPrimary.name(), primaryLsn, targetRegion);
    if (chosen.isEmpty()) {
      List<String> seen =
          CandidateChooser.candidates(spec, probes, oldPrimary.name(), primaryLsn).stream()
              .map(c -> c.node().name() + " (" + c.lagBytes() + " bytes behind)")
              .toList();
      throw fail(
          "no standby of "
              + cluster
              + " can be promoted: "
              + (seen.isEmpty()
                  ? "none is reachable and streaming"
                  : seen + " exceed the lag limit of " + spec.failover().maxLagBytes() + " bytes"),
          ErrorTypes.NO_CANDIDATE);
    }
    return chosen.get();
  }

  private String awaitApproval(ClusterSpec spec, String because) {
    step = "awaiting-approval";
    awaitingApproval = true;
    approvalNeededBecause = because;
    Workflow.upsertTypedSearchAttributes(DrSearchAttributes.OUTCOME.valueSet("awaiting-approval"));
    log.warn("failover of {} waits for an approval: {}", cluster, because);
    Duration escalateAfter = Duration.ofSeconds(spec.failover().escalateAfterSeconds());
    Duration timeout = Duration.ofSeconds(spec.failover().approvalTimeoutSeconds());
    if (!Workflow.await(escalateAfter, () -> decision != null)) {
      Workflow.upsertTypedSearchAttributes(
          DrSearchAttributes.OUTCOME.valueSet("awaiting-approval-escalated"));
      log.error("failover of {} still awaits approval after {}", cluster, escalateAfter);
      Workflow.await(timeout.minus(escalateAfter), () -> decision != null);
    }
    awaitingApproval = false;
    if (decision == null) {
      throw fail(
          "nobody approved the failover within " + timeout + ": " + because,
          ErrorTypes.FAILOVER_REJECTED);
    }
    if (!decision.approve()) {
      throw fail(
          "rejected by " + decision.approver() + ": " + decision.comment(),
          ErrorTypes.FAILOVER_REJECTED);
    }
    return decision.approver();
  }

  // ----- helpers -----

  private NodeSpec oldPrimary(ClusterSpec spec, NodeProbe live, FailoverRequest request) {
    String name = live != null ? live.node() : request.oldPrimary();
    if (name == null) {
      throw fail(
          "no node of "
              + cluster
              + " answers as primary and the request names none; pass"
              + " oldPrimary",
          ErrorTypes.INVALID_REQUEST);
    }
    NodeSpec node = spec.node(name);
    if (node == null) {
      throw fail("cluster " + cluster + " has no node " + name, ErrorTypes.INVALID_REQUEST);
    }
    return node;
  }

  private static boolean isRejection(TemporalFailure e) {
    return e instanceof ApplicationFailure a && ErrorTypes.FAILOVER_REJECTED.equals(a.getType());
  }

  private static void validate(FailoverRequest request) {
    if (request == null || request.cluster() == null || request.cluster().isBlank()) {
      throw fail(
          "FailoverWorkflow needs a cluster: --input '{\"cluster\":\"shop\",\"mode\":\"failover\"}'",
          ErrorTypes.INVALID_REQUEST);
    }
    if (!FailoverRequest.FAILOVER.equals(request.mode())
        && !FailoverRequest.SWITCHOVER.equals(request.mode())) {
      throw fail(
          "mode '" + request.mode() + "' is not allowed; use failover or switchover",
          ErrorTypes.INVALID_REQUEST);
    }
  }

  private static ApplicationFailure fail(String message, String type) {
    return ApplicationFailure.newNonRetryableFailure(message, type);
  }
}
