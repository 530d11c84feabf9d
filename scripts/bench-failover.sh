#!/usr/bin/env bash
# ./lifeboat bench failover [--runs N] [--timeout SECONDS]
#
# Measures the failover RTO of issue #6: from `kill -9` of the primary's postmaster to the first
# INSERT committed on the new primary through the traffic endpoint (PgBouncer), by a client that
# retries every 100 ms through the same connection string, and the rows that client saw committed
# that the new primary lacks afterwards.
#
# Two sides, each on a fresh synchronous pair per run (scripts/pg-pair.sh: primary east, standby
# west, PgBouncer in front), alternated run by run so that both see the same machine:
#   Lifeboat    the real worker jar with a generated lifeboat.yaml (health every 1 s, DOWN after 3
#               failures, probe timeout 1 s, replication synchronous, the PgBouncer endpoint), the
#               monitor started with the CLI; detection, fencing, promotion and redirect are the
#               workflows' own;
#   bare floor  a shell loop that polls the primary every 1 s and, after 3 failures, resets
#               synchronous_standby_names on the standby, calls pg_promote(), rewrites PgBouncer's
#               [databases] entry and sends RELOAD: the least a client needs to reach the new
#               primary, with no fencing and no checks.
# The client is dev.lifeboat.bench.FailoverBench (bench module). Every run gives up 60 s after the
# kill (--timeout) and says so; its pair, worker and loop are removed even when it fails.
#
# Lifeboat's workflows run on a PRIVATE Temporal dev server (in memory, 127.0.0.1:7273, UI 8273):
# workers of other branches poll the shared server's queues and would otherwise take its tasks.
# Ports 56601-56603 (Lifeboat's pair) and 56611-56613 (the floor's) are used, all on 127.0.0.1.
# The stack's cluster `shop` is never touched; only its secrets are read (for the pairs).
# docs/benchmarks.md ("Failover RTO") explains the output and shows a run.
source "$(dirname "$0")/lib.sh"

RUNS=5
TIMEOUT=60
while (($#)); do
  case "$1" in
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --timeout) TIMEOUT="${2:?--timeout needs seconds}"; shift 2 ;;
    *) die "usage: lifeboat bench failover [--runs N] [--timeout SECONDS]" ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs '$RUNS' is not a positive whole number"
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || die "--timeout '$TIMEOUT' is not a positive whole number of seconds"

FO_TEMPORAL_PORT="${BENCH_FAILOVER_TEMPORAL_PORT:-7273}"
FO_TEMPORAL_UI_PORT="${BENCH_FAILOVER_TEMPORAL_UI_PORT:-8273}"
L_EAST=56601 L_WEST=56602 L_BOUNCER=56603
F_EAST=56611 F_WEST=56612 F_BOUNCER=56613
# The detection settings of both sides: one check a second, three failures, one second per probe.
INTERVAL_S=1
FAILURES=3
PROBE_TIMEOUT_S=1

SECRETS="$LIFEBOAT_STATE/secrets"
BENCH="$LIFEBOAT_STATE/bench/failover"
mkdir -p "$BENCH"
RESULTS="$BENCH/results.tsv"
TEMPORAL="$LIFEBOAT_TOOLS/bin/temporal"
WORKER_JAR="$LIFEBOAT_ROOT/worker/target/lifeboat-worker.jar"
CLI_JAR="$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar"
BENCH_JAR="$LIFEBOAT_ROOT/bench/target/lifeboat-bench.jar"
PGBIN="$(pg_bindir)" || die "PostgreSQL server binaries are missing; run scripts/install.sh"
PGBOUNCER="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
[[ -x "$PGBOUNCER" ]] || die "pgbouncer is missing; run scripts/install.sh"
[[ -x "$TEMPORAL" ]] || die "the temporal CLI is missing in $LIFEBOAT_TOOLS/bin; run scripts/install.sh"
for s in pg-shop pg-shop-app pg-replicator pgbouncer-admin; do
  [[ -s "$SECRETS/$s" ]] || die "secret $s is missing in $SECRETS; run ./lifeboat stack up once to create the secrets"
done

jars_stale() {
  [[ -f "$WORKER_JAR" && -f "$CLI_JAR" && -f "$BENCH_JAR" ]] || return 0
  [[ -n "$(find "$LIFEBOAT_ROOT"/pom.xml "$LIFEBOAT_ROOT"/{workflows,config,activities,worker,starter,bench}/{pom.xml,src/main} \
    -newer "$BENCH_JAR" -type f -print -quit 2>/dev/null)" ]]
}
if jars_stale; then
  # package, never install: the jars stay in target/ and the shared ~/.m2 is left alone.
  log "building the worker, CLI and bench jars (mvn package -pl worker,starter,bench -am); log in $LIFEBOAT_LOGS/bench-failover-build.log"
  (cd "$LIFEBOAT_ROOT" && mvn -B -q -o -DskipTests -Dspotless.check.skip=true -pl worker,starter,bench -am package \
    >"$LIFEBOAT_LOGS/bench-failover-build.log" 2>&1) || die "the build failed; see $LIFEBOAT_LOGS/bench-failover-build.log"
fi

# The worker, the CLI and the client see only the generated config: no TEMPORAL_* override.
LIFEBOAT_ENV=(env -u TEMPORAL_ADDRESS -u TEMPORAL_NAMESPACE -u LIFEBOAT_CONFIG)

pair() { bash "$LIFEBOAT_ROOT/scripts/pg-pair.sh" "$@"; }

# ---------------------------------------------------------------------------------------------
# The private Temporal server, started once for all runs.

start_temporal() {
  require_free_port "$FO_TEMPORAL_PORT" "the failover benchmark's private Temporal server"
  require_free_port "$FO_TEMPORAL_UI_PORT" "the failover benchmark's private Temporal Web UI"
  log "starting a private Temporal dev server (in memory) on 127.0.0.1:$FO_TEMPORAL_PORT"
  : >"$LIFEBOAT_LOGS/bench-failover-temporal.log"
  spawn bench-failover-temporal "$TEMPORAL" server start-dev --ip 127.0.0.1 --port "$FO_TEMPORAL_PORT" \
    --ui-port "$FO_TEMPORAL_UI_PORT" --headless --namespace default --log-level warn \
    --search-attribute DrCluster=Keyword --search-attribute DrKind=Keyword \
    --search-attribute DrRegion=Keyword --search-attribute DrOutcome=Keyword
  wait_for_port "$FO_TEMPORAL_PORT" bench-failover-temporal 90
  local deadline=$((SECONDS + 60))
  until tctl operator cluster health >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "the private Temporal server did not become healthy; see $LIFEBOAT_LOGS/bench-failover-temporal.log"
    sleep 0.5
  done
}

tctl() { "$TEMPORAL" --address "127.0.0.1:$FO_TEMPORAL_PORT" --namespace default "$@"; }

# ---------------------------------------------------------------------------------------------
# Lifeboat's side.

write_lifeboat_conf() {
  local name="$1" dir="$2" conf="$3"
  cat >"$conf" <<EOF
# Written by scripts/bench-failover.sh: Lifeboat's side of one failover run, on pair $name.
temporal:
  address: 127.0.0.1:$FO_TEMPORAL_PORT
  namespace: default
  ui: http://127.0.0.1:$FO_TEMPORAL_UI_PORT
secrets:
  dir: $SECRETS
worker:
  regions: [$name-east, $name-west]
  metricsPort: 0
clusters:
  $name:
    strategy: active-passive
    replication: synchronous
    health:
      interval: ${INTERVAL_S}s
      failuresBeforeDown: $FAILURES
      probeTimeout: ${PROBE_TIMEOUT_S}s
    failover:
      automatic: true
      rpoBudgetBytes: 0
      escalateAfter: 1m
      approvalTimeout: 2m
    traffic:
      - name: bouncer
        type: pgbouncer
        host: 127.0.0.1
        port: $L_BOUNCER
        adminUser: lifeboat
        adminPasswordSecret: pgbouncer-admin
        database: shop
        configFile: $dir/pgbouncer.ini
    nodes:
      - {name: east, region: $name-east, priority: 100, host: 127.0.0.1, port: $L_EAST,
         database: postgres, user: postgres, passwordSecret: pg-shop, dataDir: $dir/east,
         replicationUser: replicator, replicationSecret: pg-replicator}
      - {name: west, region: $name-west, priority: 50, host: 127.0.0.1, port: $L_WEST,
         database: postgres, user: postgres, passwordSecret: pg-shop, dataDir: $dir/west,
         replicationUser: replicator, replicationSecret: pg-replicator}
EOF
}

cli() { "${LIFEBOAT_ENV[@]}" java -jar "$CLI_JAR" "$@"; }

start_worker() {
  local conf="$1"
  : >"$LIFEBOAT_LOGS/bench-failover-worker.log"
  spawn bench-failover-worker "${LIFEBOAT_ENV[@]}" java -jar "$WORKER_JAR" "$conf"
  local deadline=$((SECONDS + 60))
  until grep -q "worker connected" "$LIFEBOAT_LOGS/bench-failover-worker.log"; do
    running bench-failover-worker || { log "the worker exited during start; see $LIFEBOAT_LOGS/bench-failover-worker.log"; return 1; }
    ((SECONDS < deadline)) || { log "the worker did not connect within 60 s"; return 1; }
    sleep 0.3
  done
}

# Waits until `lifeboat monitor status` names east as the primary after at least two rounds, so
# the monitor has seen the primary alive (it fails over only from a primary it has seen).
await_monitor_primary() {
  local name="$1" conf="$2" deadline=$((SECONDS + 60)) status rounds
  while ((SECONDS < deadline)); do
    status="$(cli monitor status --cluster "$name" --config "$conf" 2>&1 | head -n1 || true)"
    rounds="$(sed -n 's/.* \([0-9,]*\) rounds.*/\1/p' <<<"$status" | tr -d ,)"
    if [[ "$status" == *"primary east,"* && "${rounds:-0}" -ge 2 ]]; then
      log "  monitor: $status"
      return 0
    fi
    sleep 0.5
  done
  log "  the monitor did not show east as primary within 60 s: $status"
  return 1
}

# The failover workflow's own record, and its steps relative to the kill (KILLED, epoch ms): the
# first failed check and the DOWN verdict come from the request the monitor started it with, the
# redirect from the first failed check plus the workflow's RTO. Both documents are kept in $BENCH.
workflow_times() {
  local name="$1" killed="$2"
  timeout 20 "$TEMPORAL" --address "127.0.0.1:$FO_TEMPORAL_PORT" workflow result \
    --workflow-id "failover-$name" -o json >"$BENCH/failover-$name.result.json" 2>&1 || true
  timeout 20 "$TEMPORAL" --address "127.0.0.1:$FO_TEMPORAL_PORT" workflow show \
    --workflow-id "failover-$name" -o json >"$BENCH/failover-$name.history.json" 2>&1 || true
  python3 - "$BENCH/failover-$name.result.json" "$BENCH/failover-$name.history.json" "$killed" <<'PY' 2>/dev/null ||
import base64, json, sys
result_file, history_file, killed = sys.argv[1:]
def payload(p):
    # The CLI shows a payload either decoded or as base64 data with its encoding.
    if isinstance(p, dict) and "data" in p and isinstance(p["data"], str):
        return json.loads(base64.b64decode(p["data"]))
    return p
doc = json.load(open(result_file))
r = doc.get("result", doc)
if isinstance(r, list):
    r = r[0]
r = payload(r)
fencing = "; ".join("%s %s" % (f["layer"], "done" if f["done"] else "not done") for f in r.get("fencing", []))
line = "workflow: detection %s, promotion %s, redirect %s, its RTO %s ms" % (
    r["detectionMillis"], r["promotionMillis"], r["redirectMillis"], r["rtoMillis"])
try:
    events = json.load(open(history_file))["events"]
    started = next(e for e in events if "workflowExecutionStartedEventAttributes" in e)
    req = started["workflowExecutionStartedEventAttributes"]["input"]["payloads"][0]
    req = payload(req)
    k = int(killed)
    first, verdict = req["firstFailureAtMillis"], req["verdictAtMillis"]
    line = ("after the kill: 1st failed check %d, DOWN %d, workflow started %d, redirected %d ms; "
            % (first - k, verdict - k, r["startedAtMillis"] - k, first + r["rtoMillis"] - k)) + line
except Exception as e:
    line += " (no step times: %s)" % e
print(line + "; fencing: " + fencing)
PY
    echo "no readable failover result (see $BENCH/failover-$name.result.json)"
}

LIFEBOAT_RUNNING=""
stop_lifeboat_run() {
  local name="$LIFEBOAT_RUNNING"
  [[ -n "$name" ]] || return 0
  # The monitor would fail over again on the next pair of the same name: end it, and any failover
  # that is still running, before the worker goes.
  tctl workflow terminate --workflow-id "monitor-$name" --reason "benchmark run over" >/dev/null 2>&1 || true
  tctl workflow terminate --workflow-id "failover-$name" --reason "benchmark run over" >/dev/null 2>&1 || true
  stop_pidfile bench-failover-worker
  pair down "$name" >/dev/null 2>&1 || true
  LIFEBOAT_RUNNING=""
}

lifeboat_run() {
  local run="$1" name="bfl$1" dir conf out
  conf="$BENCH/lifeboat-$name.yaml"
  pair down "$name" >/dev/null 2>&1 || true
  LIFEBOAT_RUNNING="$name"
  dir="$(pair up "$name" "$L_EAST" "$L_WEST" "$L_BOUNCER" --sync | tail -n1)" || { record lifeboat "$run" setup-failed "pg-pair.sh up failed"; return; }
  write_lifeboat_conf "$name" "$dir" "$conf"
  start_worker "$conf" || { record lifeboat "$run" setup-failed "the worker did not start"; stop_lifeboat_run; return; }
  cli monitor start --cluster "$name" --config "$conf" >&2 || { record lifeboat "$run" setup-failed "monitor start failed"; stop_lifeboat_run; return; }
  await_monitor_primary "$name" "$conf" || { record lifeboat "$run" setup-failed "the monitor never showed the primary"; stop_lifeboat_run; return; }
  out="$(client "$dir" "$L_BOUNCER" "$L_WEST")"
  record_client lifeboat "$run" "$out" "$(workflow_times "$name" "$(cut -f9 <<<"$out")")"
  stop_lifeboat_run
}

# ---------------------------------------------------------------------------------------------
# The bare floor: the same pair and PgBouncer, and the least a script must do.

# Polls east every second with a one-second probe; after three failures in a row promotes west
# and points PgBouncer at it. Each step is logged with its epoch milliseconds, for the breakdown.
floor_loop() {
  local dir="$1" ready="$2" fails=0 deadline=$((SECONDS + TIMEOUT + 60))
  local pw admin
  pw="$(cat "$SECRETS/pg-shop")"
  admin="$(cat "$SECRETS/pgbouncer-admin")"
  while ((SECONDS < deadline)); do
    if PGPASSWORD="$pw" timeout "$PROBE_TIMEOUT_S" "$PGBIN/psql" -h 127.0.0.1 -p "$F_EAST" -U postgres \
      -d postgres -XAtq -c 'SELECT 1' >/dev/null 2>&1; then
      fails=0
      touch "$ready"
    else
      fails=$((fails + 1))
      echo "failed $fails $(date +%s%3N)"
      if ((fails >= FAILURES)); then
        # An inherited synchronous_standby_names would make the first write on the new primary
        # wait for a standby that does not exist.
        PGPASSWORD="$pw" "$PGBIN/psql" -h 127.0.0.1 -p "$F_WEST" -U postgres -d postgres -XAtq \
          -c 'ALTER SYSTEM RESET synchronous_standby_names' -c 'SELECT pg_reload_conf()' \
          -c 'SELECT pg_promote(true, 60)' >/dev/null || { echo "promote-failed $(date +%s%3N)"; return 1; }
        echo "promoted $(date +%s%3N)"
        # Written beside the old file and renamed over it, so PgBouncer never reads half a file.
        sed "s/^shop = host=127.0.0.1 port=$F_EAST /shop = host=127.0.0.1 port=$F_WEST /" \
          "$dir/pgbouncer.ini" >"$dir/pgbouncer.ini.new"
        chown --reference="$dir/pgbouncer.ini" "$dir/pgbouncer.ini.new"
        mv "$dir/pgbouncer.ini.new" "$dir/pgbouncer.ini"
        PGPASSWORD="$admin" "$PGBIN/psql" -h 127.0.0.1 -p "$F_BOUNCER" -U lifeboat -d pgbouncer -Xq \
          -c 'RELOAD' >/dev/null || { echo "reload-failed $(date +%s%3N)"; return 1; }
        echo "reloaded $(date +%s%3N)"
        return 0
      fi
    fi
    sleep "$INTERVAL_S"
  done
  echo "gave-up $(date +%s%3N)"
  return 1
}

FLOOR_RUNNING="" FLOOR_PID=""
stop_floor_run() {
  local name="$FLOOR_RUNNING"
  [[ -n "$name" ]] || return 0
  if [[ -n "$FLOOR_PID" ]] && kill -0 "$FLOOR_PID" 2>/dev/null; then
    kill "$FLOOR_PID" 2>/dev/null || true
    wait "$FLOOR_PID" 2>/dev/null || true
  fi
  FLOOR_PID=""
  pair down "$name" >/dev/null 2>&1 || true
  FLOOR_RUNNING=""
}

floor_run() {
  local run="$1" name="bff$1" dir out steps ready deadline
  pair down "$name" >/dev/null 2>&1 || true
  FLOOR_RUNNING="$name"
  dir="$(pair up "$name" "$F_EAST" "$F_WEST" "$F_BOUNCER" --sync | tail -n1)" || { record floor "$run" setup-failed "pg-pair.sh up failed"; return; }
  steps="$BENCH/floor-$name.steps"
  ready="$BENCH/floor-$name.ready"
  rm -f "$ready"
  floor_loop "$dir" "$ready" >"$steps" 2>&1 &
  FLOOR_PID=$!
  # As on Lifeboat's side, the loop has seen the primary alive before the writer starts.
  deadline=$((SECONDS + 30))
  until [[ -f "$ready" ]]; do
    ((SECONDS < deadline)) || { record floor "$run" setup-failed "the loop never reached the primary"; stop_floor_run; return; }
    sleep 0.2
  done
  out="$(client "$dir" "$F_BOUNCER" "$F_WEST")"
  # The loop finishes by itself once it has redirected; it is bounded by its own deadline too.
  deadline=$((SECONDS + 30))
  while kill -0 "$FLOOR_PID" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  record_client floor "$run" "$out" "$(floor_times "$steps" "$out")"
  stop_floor_run
}

# The loop's steps relative to the kill: third failed check, promoted, RELOAD sent.
floor_times() {
  local steps="$1" out="$2" killed
  killed="$(cut -f9 <<<"$out")"
  [[ "$killed" =~ ^[0-9]+$ ]] || { echo "no kill time"; return; }
  awk -v k="$killed" -v n="$FAILURES" '
    $1 == "failed" && $2 == 1 { f = $3 - k }
    $1 == "failed" && $2 == n { d = $3 - k }
    $1 == "promoted" { p = $2 - k }
    $1 == "reloaded" { r = $2 - k }
    END { printf "after the kill: 1st failed check %s, DOWN %s, promoted %s, RELOAD sent %s ms\n", f, d, p, r }' "$steps"
}

# ---------------------------------------------------------------------------------------------
# The client, and the results file (one line per run and side).

client() {
  local dir="$1" bouncer="$2" new_primary="$3"
  # Bounded twice: the client gives up TIMEOUT s after the kill, and `timeout` ends it if even
  # the setup around that hangs.
  local out
  out="$(timeout --kill-after=5 $((TIMEOUT + 60)) java -cp "$BENCH_JAR" dev.lifeboat.bench.FailoverBench \
    --bouncer "$bouncer" --new-primary "$new_primary" --postmaster-pid "$dir/east/postmaster.pid" \
    --secrets "$SECRETS" --timeout "$TIMEOUT" 2>>"$BENCH/client.log")" || true
  if grep -q '^RESULT' <<<"$out"; then
    grep '^RESULT' <<<"$out" | head -n1
  else
    printf 'RESULT\tgave-up\t-\t-\t-\t-\t-\t-\t-\tthe client ended without a result (see %s)\n' "$BENCH/client.log"
  fi
}

# record SIDE RUN OUTCOME NOTE: a run that never reached the kill.
record() {
  printf '%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t%s\t%s\t\n' "$1" "$2" "$3" "$4" "$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"
  log "  $1 run $2: $3 ($4)"
}

# record_client SIDE RUN RESULT_LINE DETAIL
record_client() {
  local side="$1" run="$2" line="$3" detail="$4"
  local outcome rto lost committed failed warned elsewhere note
  IFS=$'\t' read -r _ outcome rto lost committed failed warned elsewhere _ note <<<"$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$side" "$run" "$outcome" "$rto" "$lost" \
    "$committed" "$failed" "$warned" "$elsewhere" "$note" "$(cut -d' ' -f1 /proc/loadavg)" "$detail" >>"$RESULTS"
  log "  $side run $run: $outcome, RTO ${rto} ms, $lost of $committed committed rows lost; $detail"
}

cleanup() {
  stop_lifeboat_run
  stop_floor_run
  stop_pidfile bench-failover-worker
  stop_pidfile bench-failover-temporal
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
: >"$RESULTS"
: >"$BENCH/client.log"
start_temporal
for run in $(seq 1 "$RUNS"); do
  log "run $run of $RUNS: Lifeboat (pair bfl$run on $L_EAST/$L_WEST, PgBouncer $L_BOUNCER)"
  lifeboat_run "$run"
  log "run $run of $RUNS: bare floor (pair bff$run on $F_EAST/$F_WEST, PgBouncer $F_BOUNCER)"
  floor_run "$run"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
cleanup

python3 - "$RESULTS" "$RUNS" "$TIMEOUT" "$LOAD_BEFORE" "$LOAD_AFTER" "$PGBIN" "$PGBOUNCER" "$LIFEBOAT_ROOT" <<'EOF'
import statistics, subprocess, sys
path, runs, timeout, load_before, load_after, pgbin, pgbouncer, root = sys.argv[1:]
timeout = int(timeout)
def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
print("machine:  %s cores, %s RAM, kernel %s" % (sh("nproc"), sh("free -h | awk '/Mem:/ {print $2}'"), sh("uname -r")))
print("load:     before %s, after %s (1, 5, 15 min; shared with other builds)" % (load_before, load_after))
print("versions: %s; %s; %s; Lifeboat %s" % (
    sh("%s/postgres --version" % pgbin), sh("%s --version 2>&1 | head -1" % pgbouncer),
    sh("java -version 2>&1 | head -1"), sh("git -C %s rev-parse --short HEAD" % root)))
print("setup:    synchronous pair per run (pg-pair.sh), health check every 1 s, DOWN after 3 failures, probe"
      "\n          timeout 1 s; client: one INSERT every 10 ms through PgBouncer, retry every 100 ms after an"
      "\n          error; RTO = kill -9 of the postmaster to the first INSERT committed on the new primary;"
      "\n          a run gives up %d s after the kill\n" % timeout)
print("%-9s %3s  %-8s %8s %6s %9s %7s  %5s  %s" % ("side", "run", "outcome", "RTO s", "lost", "committed", "failed", "load", "detail"))
for r in rows:
    side, run, outcome, rto, lost, committed, failed, warned, elsewhere, note, load, detail = (r + [""] * 12)[:12]
    extra = []
    if warned not in ("", "-", "0"):
        extra.append("%s commit(s) with a warning" % warned)
    if elsewhere not in ("", "-", "0"):
        extra.append("%s commit(s) after the kill on another server" % elsewhere)
    if outcome != "ok" and note:
        extra.append(note)
    print("%-9s %3s  %-8s %8s %6s %9s %7s  %5s  %s" % (
        "Lifeboat" if side == "lifeboat" else "floor", run, outcome,
        "%.2f" % (int(rto) / 1000) if rto.isdigit() else "-", lost, committed, failed, load,
        "; ".join([detail] + extra) if detail else "; ".join(extra)))
print()
summary = {}
for side, label in (("lifeboat", "Lifeboat"), ("floor", "bare floor")):
    rs = [r for r in rows if r[0] == side]
    # A run that gave up counts as slower than any that finished, so the median stays honest.
    rtos = sorted(int(r[3]) / 1000 if r[3].isdigit() else float("inf") for r in rs)
    ok = [x for x in rtos if x != float("inf")]
    lost = sum(int(r[4]) for r in rs if r[4].isdigit())
    med = statistics.median(rtos) if rtos else float("inf")
    summary[side] = (med, lost)
    fmt = lambda x: "over %d" % timeout if x == float("inf") else "%.2f" % x
    print("%-10s median %6s s, spread %s to %s s, %d of %d runs reached the new primary, %d committed row(s) lost"
          % (label, fmt(med), fmt(rtos[0]) if rtos else "-", fmt(rtos[-1]) if rtos else "-", len(ok), len(rs), lost))
lm, ll = summary["lifeboat"]
fm, fl = summary["floor"]
if lm != float("inf") and fm != float("inf"):
    print("\nLifeboat / bare floor, median RTO:   %.2fx  (%.2f / %.2f s)" % (lm / fm, lm, fm))
    print("Lifeboat / Patroni tuned + sync 10.3 s (STACK-NOTES): %.2fx  (%.2f / 10.30 s)" % (lm / 10.3, lm))
    print("bare floor / bare loop 3.05 s (STACK-NOTES):          %.2fx  (%.2f / 3.05 s)" % (fm / 3.05, fm))
met = lm <= 5.0 and ll == 0
print("\ntarget (issue #6): median RTO <= 5 s with zero committed rows lost: %s (median %s s, %d row(s) lost)"
      % ("MET" if met else "NOT MET", "%.2f" % lm if lm != float("inf") else "over %d" % timeout, ll))
EOF
