#!/usr/bin/env bash
# ./lifeboat chaos [--minutes N] [--seed S]: the chaos soak (worker/.../ChaosSoakIT.java) on a
# throwaway synchronous pair: continuous writes through PgBouncer, the monitor, one worker per
# region, and random faults (workers, the primary, the Temporal server) for N minutes (10 by
# default, at most 120). It prints the invariants as a table, writes it to
# worker/target/chaos-report.md and exits 1 when one did not hold. `./lifeboat test` runs a
# 2-minute form of it. Everything runs on loopback.
source "$(dirname "$0")/lib.sh"

minutes=10
seed=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes)
      minutes="${2:?--minutes needs a number of minutes}"
      shift 2
      ;;
    --seed)
      seed="${2:?--seed needs the seed a report printed}"
      shift 2
      ;;
    *) die "unknown argument '$1'; usage: lifeboat chaos [--minutes N] [--seed S]" ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+$ ]] && ((minutes >= 1 && minutes <= 120)) ||
  die "--minutes must be a whole number from 1 to 120, not '$minutes'"
[[ -z "$seed" || "$seed" =~ ^-?[0-9]+$ ]] || die "--seed must be a whole number, not '$seed'"

bash "$LIFEBOAT_ROOT/scripts/stack.sh" up
# A background worker from the demo would compete for the pair's task queues.
bash "$LIFEBOAT_ROOT/scripts/worker.sh" stop >/dev/null 2>&1 || true
cd "$LIFEBOAT_ROOT"
log "chaos soak of $minutes minute(s)${seed:+, seed $seed}"
args=(-B -q -DskipITs=false -Dit.test=ChaosSoakIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
  -Dfailsafe.failIfNoSpecifiedTests=false "-Dlifeboat.chaos.seconds=$((minutes * 60))")
[[ -n "$seed" ]] && args+=("-Dlifeboat.chaos.seed=$seed")
status=0
mvn "${args[@]}" -pl worker -am verify || status=$?
if [[ -f worker/target/chaos-report.md ]]; then
  cat worker/target/chaos-report.md
fi
exit "$status"
