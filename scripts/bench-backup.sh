#!/usr/bin/env bash
# ./lifeboat bench [--scale S] [--runs N] [--update mixed|recent|random] [--no-archiver] [--keep]
#                  [--restore | --restore-only]
#
# Backs up one database with Lifeboat and with pgBackRest on this machine in one run, plus the
# reference tools (pg_basebackup -Ft, tar | zstd), then takes an incremental of each after an
# UPDATE of 5% of the rows. Prints the machine, every measurement and the ratios.
#
# --restore also restores the newest full of each side, N times each: `pgbackrest restore`
# (process-max 2, then the server started and recovered to consistency) against `lifeboat
# restore --until-consistent` (layout, WAL, recovery and validation of a running server).
# --restore-only takes one full of each side (files source for Lifeboat) and measures only the
# restores.
#
# The database is the six core `shop` tables at scale S (default 1, about 1 GB on disk) in a
# dedicated PostgreSQL cluster on 127.0.0.1:$BENCH_PG_PORT (default 55442), never the stack's
# shared primary. It is loaded once per scale and reused; its processes stop at the end unless
# --keep is given.
#
# Lifeboat runs end to end: a worker, and each backup started either by the `lifeboat backup` CLI
# (which follows it) or by the `temporal` CLI (as a schedule would start it), against a PRIVATE
# Temporal dev server (in memory, 127.0.0.1:$BENCH_TEMPORAL_PORT, default 7243): workers of other
# branches poll the shared server's `lifeboat` queue and could otherwise pick up this run's tasks.
# Lifeboat's WAL archiver runs from before the first full to the end, as pgBackRest's archive-push
# does (--no-archiver, or an archiver that does not work, leaves the WAL in the incremental).
# docs/benchmarks.md explains the columns and shows a run.
source "$(dirname "$0")/lib.sh"

SCALE=1
RUNS=3
UPDATE=mixed
KEEP=false
NO_ARCHIVER=false
RESTORE=false
RESTORE_ONLY=false
while (($#)); do
  case "$1" in
    --restore) RESTORE=true; shift ;;
    --restore-only) RESTORE=true; RESTORE_ONLY=true; shift ;;
    --scale) SCALE="${2:?--scale needs a value such as 1 or 0.05}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    --update) UPDATE="${2:?--update needs mixed, recent or random}"; shift 2 ;;
    --keep) KEEP=true; shift ;;
    --no-archiver) NO_ARCHIVER=true; shift ;;
    *) die "usage: lifeboat bench [--scale S] [--runs N] [--update mixed|recent|random] [--no-archiver] [--keep] [--restore | --restore-only] | lifeboat bench pipeline [...]" ;;
  esac
done
[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale '$SCALE' is not a positive number such as 1 or 0.05"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs '$RUNS' is not a positive whole number"
[[ "$UPDATE" =~ ^(mixed|recent|random)$ ]] || die "--update '$UPDATE' is not one of mixed, recent, random"

BENCH_PG_PORT="${BENCH_PG_PORT:-55442}"
BENCH_TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-7243}"
BENCH_TEMPORAL_UI_PORT="${BENCH_TEMPORAL_UI_PORT:-8243}"
# The restored servers of --restore listen here, one at a time.
BENCH_RESTORE_PORT="${BENCH_RESTORE_PORT:-55444}"
PGBACKREST_PROCESSES=2
LIFEBOAT_READERS=2
# Bundles a Lifeboat restore writes at once (restore.writers).
LIFEBOAT_WRITERS="${BENCH_RESTORE_WRITERS:-4}"
ZSTD_LEVEL=3

BENCH="$LIFEBOAT_STATE/bench"
mkdir -p "$BENCH"
RESULTS="$BENCH/backup-results.tsv"
TICKS="$(getconf CLK_TCK)"

# ---------------------------------------------------------------------------------------------
# Tools and jars. pgBackRest is installed here, on demand, never by `lifeboat test`.

bash "$LIFEBOAT_ROOT/scripts/install.sh" bench || die "could not install the benchmark's tools (pgbackrest, zstd, temporal CLI)"
PGBIN="$(pg_bindir)" || die "PostgreSQL server binaries are missing; run scripts/install.sh"
TEMPORAL="$LIFEBOAT_TOOLS/bin/temporal"
WORKER_JAR="$LIFEBOAT_ROOT/worker/target/lifeboat-worker.jar"
CLI_JAR="$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar"

jars_stale() {
  [[ -f "$WORKER_JAR" && -f "$CLI_JAR" ]] || return 0
  [[ -n "$(find "$LIFEBOAT_ROOT"/pom.xml "$LIFEBOAT_ROOT"/{workflows,config,activities,worker,starter}/{pom.xml,src/main} \
    -newer "$CLI_JAR" -type f -print -quit 2>/dev/null)" ]]
}
if jars_stale; then
  # package, never install: the jars stay in target/ and the shared ~/.m2 is left alone.
  log "building the worker and CLI jars (mvn package -pl worker,starter -am); log in $LIFEBOAT_LOGS/bench-build.log"
  (cd "$LIFEBOAT_ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl worker,starter -am package \
    >"$LIFEBOAT_LOGS/bench-build.log" 2>&1) || die "the build failed; see $LIFEBOAT_LOGS/bench-build.log"
fi
record_cli_archive
# The CLI runs with the options ./lifeboat gives it (cli_java_opts in lib.sh).
mapfile -t CLI_JAVA_OPTS < <(cli_java_opts)
# Extra JVM options for profiling (docs/benchmarks.md, "Profiling a run"), for the CLI and the worker.
read -ra BENCH_CLI_EXTRA <<<"${BENCH_CLI_JAVA_OPTS:-}"
read -ra BENCH_WORKER_EXTRA <<<"${BENCH_WORKER_JAVA_OPTS:-}"
CLI_JAVA_OPTS+=("${BENCH_CLI_EXTRA[@]}")

# ---------------------------------------------------------------------------------------------
# The bench cluster, run as the postgres user (initdb refuses root). Its folder must be reachable
# by that user: under .tools/state when the parents are traversable, else under /var/tmp.

bench_pg_dir() {
  local wanted="$BENCH/pg"
  mkdir -p "$wanted"
  if runuser -u postgres -- test -x "$wanted" 2>/dev/null; then
    echo "$wanted"
  else
    echo "/var/tmp/lifeboat-bench-$(echo -n "$LIFEBOAT_STATE" | sha1sum | cut -c1-10)"
  fi
}
BPG="$(bench_pg_dir)"
mkdir -p "$BPG"
chown postgres: "$BPG"
chmod 700 "$BPG"
SCALE_TAG="s${SCALE//./_}"
DATA="$BPG/data-$SCALE_TAG"
REPO="$BPG/pgbackrest-repo-$SCALE_TAG"
PGBR_CONF="$BPG/pgbackrest-$SCALE_TAG.conf"
LOADED="$BPG/loaded-$SCALE_TAG"
PRISTINE="$BPG/pristine-$SCALE_TAG"
UPDATED_MARK="$BPG/updated-$SCALE_TAG"
PG_LOG="$BPG/postgres-$SCALE_TAG.log"
SECRETS="$BENCH/secrets"
mkdir -p "$SECRETS"
chmod 700 "$SECRETS"
[[ -s "$SECRETS/pg-bench" ]] || (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$SECRETS/pg-bench")
[[ -s "$SECRETS/pgbackrest-cipher" ]] || (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '/+=' >"$SECRETS/pgbackrest-cipher")
PG_PASSWORD="$(cat "$SECRETS/pg-bench")"

bpsql() {
  PGPASSWORD="$PG_PASSWORD" "$PGBIN/psql" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"
}
# An array, not a function: GNU time and setsid can only run programs.
PGBACKREST=(runuser -u postgres -- pgbackrest --config="$PGBR_CONF" --stanza=bench)
pgbackrest_as_pg() { "${PGBACKREST[@]}" "$@"; }
bench_pg_running() { [[ -f "$DATA/postmaster.pid" ]] && as_pg "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

write_pgbackrest_conf() {
  as_pg mkdir -p "$REPO" "$BPG/pgbackrest-log" "$BPG/pgbackrest-lock" "$BPG/pgbackrest-spool"
  (umask 077 && as_pg tee "$PGBR_CONF" >/dev/null) <<EOF
# Written by scripts/bench-backup.sh: the reference side of the backup benchmark.
[global]
repo1-path=$REPO
repo1-cipher-type=aes-256-cbc
repo1-cipher-pass=$(cat "$SECRETS/pgbackrest-cipher")
# Nothing expires during a run (the repo is wiped at the start of each run instead).
repo1-retention-full=100
compress-type=zst
compress-level=$ZSTD_LEVEL
process-max=$PGBACKREST_PROCESSES
start-fast=y
log-path=$BPG/pgbackrest-log
lock-path=$BPG/pgbackrest-lock
spool-path=$BPG/pgbackrest-spool
log-level-console=warn
log-level-file=info

[bench]
pg1-path=$DATA
pg1-port=$BENCH_PG_PORT
pg1-socket-path=$BPG
pg1-user=postgres
EOF
}

write_pg_conf() {
  as_pg tee "$DATA/bench.conf" >/dev/null <<EOF
# Written by scripts/bench-backup.sh for the backup benchmark's dedicated cluster.
listen_addresses = '127.0.0.1'
port = $BENCH_PG_PORT
unix_socket_directories = '$BPG'
cluster_name = 'lifeboat-bench-$SCALE_TAG'
wal_level = replica
# Lifeboat's WAL archiver streams with pg_receivewal from a physical slot (and the files source
# reserves WAL with a temporary slot of its own).
max_wal_senders = 10
max_replication_slots = 10
# pgBackRest needs WAL archiving: each of its backups waits until its WAL is in the archive.
archive_mode = on
archive_command = 'pgbackrest --config=$PGBR_CONF --stanza=bench archive-push %p'
shared_buffers = 256MB
max_wal_size = 4GB
# Lifeboat's incremental stores the WAL since its parent that its WAL archiver has not archived,
# read from the server: when the archiver could not be started (the fallback), pg_wal must still
# hold all of it (pgBackRest gets it from archive_command instead).
wal_keep_size = 4GB
logging_collector = off
log_line_prefix = '%m [%p] bench '
EOF
  grep -q "^include_if_exists = 'bench.conf'" "$DATA/postgresql.conf" ||
    echo "include_if_exists = 'bench.conf'" | as_pg tee -a "$DATA/postgresql.conf" >/dev/null
}

start_bench_pg() {
  write_pgbackrest_conf
  if [[ ! -f "$DATA/PG_VERSION" ]]; then
    log "initdb of the bench cluster (data checksums) in $DATA"
    local pwfile="$BPG/.pwfile"
    echo "$PG_PASSWORD" | as_pg tee "$pwfile" >/dev/null
    as_pg "$PGBIN/initdb" -D "$DATA" --data-checksums -U postgres --pwfile="$pwfile" --auth-local=peer \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$BPG/initdb-$SCALE_TAG.log" 2>&1 ||
      die "initdb failed; see $BPG/initdb-$SCALE_TAG.log"
    rm -f "$pwfile" "$LOADED"
  fi
  if bench_pg_running; then
    log "bench cluster already running on 127.0.0.1:$BENCH_PG_PORT"
  else
    write_pg_conf
    require_free_port "$BENCH_PG_PORT" "the bench PostgreSQL cluster"
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$PG_LOG" -w -t 120 start >/dev/null ||
      die "the bench cluster did not start; see $PG_LOG"
  fi
}

stop_bench_pg() {
  if bench_pg_running; then
    as_pg "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 120 stop >/dev/null || true
  fi
}

# Every run starts from an empty pgBackRest repo, so its disk use does not grow run after run
# (and a restored data directory never meets WAL of its own future in the archive). Emptied while
# the cluster is stopped; archive-push fails and retries until stanza-create has run.
empty_pgbackrest_repo() {
  rm -rf "$REPO"
  as_pg mkdir -p "$REPO"
}
create_pgbackrest_stanza() {
  pgbackrest_as_pg stanza-create >/dev/null || die "pgbackrest stanza-create failed; see $BPG/pgbackrest-log"
}

database_bytes() { bpsql -d postgres -Atc "SELECT sum(pg_database_size(oid))::bigint FROM pg_database"; }

load_bench_db() {
  if [[ -f "$LOADED" ]]; then
    log "bench database already loaded at scale $SCALE: $(cat "$LOADED")"
    return 0
  fi
  log "loading the six core shop tables at scale $SCALE into the bench cluster (takes minutes at scale 1)"
  bpsql -d postgres -c "DROP DATABASE IF EXISTS shop" -c "CREATE DATABASE shop"
  # The load's WAL is not needed by any backup taken afterwards: archiving it would only slow the
  # load and fill the repo, so archive_command is a no-op until the load is done.
  bpsql -d postgres -c "ALTER SYSTEM SET archive_command = '/bin/true'" -c "SELECT pg_reload_conf()" >/dev/null
  local started=$SECONDS
  bpsql -d shop -v scale="$SCALE" -f "$LIFEBOAT_ROOT/scripts/sql/shop-schema.sql" \
    -f "$LIFEBOAT_ROOT/scripts/sql/shop-load.sql" >"$BENCH/load-$SCALE_TAG.log" 2>&1 &
  local loader=$!
  while kill -0 "$loader" 2>/dev/null; do
    sleep 15
    kill -0 "$loader" 2>/dev/null &&
      log "  loading: $((SECONDS - started)) s, cluster at $(($(database_bytes) / 1000000)) MB on disk"
  done
  wait "$loader" || die "loading the bench database failed; see $BENCH/load-$SCALE_TAG.log"
  # Hint bits and the visibility map are set now, as on any database that has been read, so
  # neither the backups nor the incremental pay for the first reads after a bulk load.
  log "  VACUUM (FREEZE, ANALYZE) and CHECKPOINT"
  bpsql -d shop -c "VACUUM (FREEZE, ANALYZE)"
  bpsql -d postgres -c "ALTER SYSTEM RESET archive_command" -c "SELECT pg_reload_conf()" -c "CHECKPOINT" >/dev/null
  local rows
  rows="$(bpsql -d shop -Atc "SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables")"
  echo "$rows rows, $(database_bytes) bytes, loaded in $((SECONDS - started)) s on $(date -u +%FT%TZ)" >"$LOADED"
  log "loaded: $(cat "$LOADED")"
  log "  keeping a copy of the loaded data directory in $PRISTINE, so every run starts from it"
  stop_bench_pg
  rm -rf "$PRISTINE"
  cp -a "$DATA" "$PRISTINE"
  rm -f "$UPDATED_MARK"
  start_bench_pg
}

# A run's 5% update changes where later updates land (its free space is reused all over the
# tables), so a run after it would not measure the same database: go back to the loaded copy.
restore_pristine_if_updated() {
  [[ -f "$UPDATED_MARK" ]] || return 0
  if [[ -f "$LOADED" && -d "$PRISTINE" ]]; then
    log "restoring the bench data directory as loaded (a previous run updated it)"
    stop_bench_pg
    rm -rf "$DATA"
    cp -a "$PRISTINE" "$DATA"
  else
    log "a previous run updated the bench database and there is no loaded copy: loading it again"
    rm -f "$LOADED"
  fi
  rm -f "$UPDATED_MARK"
}

# ---------------------------------------------------------------------------------------------
# CPU accounting, from /proc in clock ticks: utime + stime + cutime + cstime. cutime/cstime hold
# the children a process has reaped, so a JVM's count includes its finished pg_basebackup, and
# the postmaster's includes every backend, walsender and archive-push that exited.

proc_ticks() {
  local pid
  for pid in "$@"; do
    [[ -r "/proc/$pid/stat" ]] && sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13 + $14 + $15}'
  done | awk '{s += $1} END {print s + 0}'
}

# The whole bench cluster: the postmaster plus its live children.
pg_ticks() {
  local postmaster
  postmaster="$(head -n1 "$DATA/postmaster.pid")"
  # shellcheck disable=SC2046
  proc_ticks "$postmaster" $(pgrep -P "$postmaster" || true)
}

seconds_of_ticks() { echo "scale=2; $1 / $TICKS" | bc -l; }

# record NAME WALL CLIENT_CPU SERVER_CPU OUTPUT_BYTES NOTE (plus the load average timed() saw)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" "${LOAD1:-}" >>"$RESULTS"; }

# Runs "$@" under GNU time; sets WALL, CLIENT_CPU (user+sys of it and its reaped children) and
# SERVER_CPU (the bench cluster's CPU over the same span).
timed() {
  local tfile="$BENCH/time.out" pg_before pg_after
  # The machine may be shared: the 1-minute load average at the start goes with each number.
  LOAD1="$(cut -d' ' -f1 /proc/loadavg)"
  pg_before="$(pg_ticks)"
  /usr/bin/time -f '%e %U %S' -o "$tfile" "$@" || {
    log "FAILED: $*"
    return 1
  }
  pg_after="$(pg_ticks)"
  read -r WALL user sys <"$tfile"
  CLIENT_CPU="$(echo "$user + $sys" | bc -l)"
  SERVER_CPU="$(seconds_of_ticks $((pg_after - pg_before)))"
}

# ---------------------------------------------------------------------------------------------
# The reference tools.

OUT="$BPG/out"

run_pgbackrest() {
  local type="$1" name="$2"
  timed "${PGBACKREST[@]}" backup --type="$type" || die "pgbackrest backup --type=$type failed; see $BPG/pgbackrest-log"
  local size
  size="$(pgbackrest_size)"
  record "$name" "$WALL" "$CLIENT_CPU" "$SERVER_CPU" "$size" "process-max $PGBACKREST_PROCESSES, zst level $ZSTD_LEVEL, aes-256-cbc"
  log "  $name: ${WALL}s wall, ${CLIENT_CPU}s CPU (+${SERVER_CPU}s server), $size bytes"
}

# The newest backup's own files (backup dir: new or changed files; an incremental refers to the
# rest) plus the archived WAL segments it needs, as stored (compressed and encrypted).
pgbackrest_size() {
  pgbackrest_as_pg info --output=json | python3 -c '
import json, os, sys
repo = sys.argv[1]
newest = json.load(sys.stdin)[0]["backup"][-1]
total = 0
for root, _, files in os.walk(os.path.join(repo, "backup", "bench", newest["label"])):
    total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
start, stop = newest["archive"]["start"], newest["archive"]["stop"]
for root, _, files in os.walk(os.path.join(repo, "archive", "bench")):
    for f in files:
        if len(f) > 24 and start <= f[:24] <= stop:
            total += os.path.getsize(os.path.join(root, f))
print(total)' "$REPO"
}

run_pg_basebackup() {
  local name="$1"
  shift
  rm -rf "$OUT"
  timed env PGPASSWORD="$PG_PASSWORD" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$BENCH_PG_PORT" -U postgres \
    -D "$OUT" -Ft -X fetch -c fast "$@" || die "pg_basebackup failed"
  local size
  size="$(du -sb "$OUT" | cut -f1)"
  record "$name" "$WALL" "$CLIENT_CPU" "$SERVER_CPU" "$size" "${*:-uncompressed}, -X fetch"
  log "  $name: ${WALL}s wall, ${CLIENT_CPU}s CPU (+${SERVER_CPU}s server), $size bytes"
  rm -rf "$OUT"
}

run_tar_zstd() {
  local level="$1" name="tar | zstd -$1 -T2"
  rm -rf "$OUT"
  mkdir -p "$OUT"
  # Not a consistent backup (no backup_label, no WAL): the speed of reading and compressing the
  # same files, fsynced like the others' output.
  timed bash -c "tar -cf - --warning=no-file-changed --warning=no-file-removed -C '$DATA' --exclude=./pg_wal . \
    | zstd -q -$level -T2 >'$OUT/data.tar.zst' && sync -f '$OUT/data.tar.zst'" || die "tar | zstd failed"
  local size
  size="$(stat -c %s "$OUT/data.tar.zst")"
  record "$name" "$WALL" "$CLIENT_CPU" "$SERVER_CPU" "$size" "no WAL, not consistent"
  log "  $name: ${WALL}s wall, ${CLIENT_CPU}s CPU, $size bytes"
  rm -rf "$OUT"
}

# ---------------------------------------------------------------------------------------------
# Lifeboat: a private Temporal dev server (in memory), a worker on a generated config, the CLI.

LCONF="$BENCH/lifeboat-bench.yaml"
LREPO="$BENCH/lifeboat-repo-$SCALE_TAG"
# The WAL archiver's spool (pg_receivewal writes here), private to the benchmark.
LSPOOL="$BENCH/wal-spool-$SCALE_TAG"
ARCHIVER_SLOT=lifeboat_archiver_bench
ARCHIVER_WORKFLOW=wal-archiver-bench
# on: Lifeboat's WAL archiver runs through the fulls and the incremental; off: it could not be
# started and the incremental stores the WAL since its parent itself (ARCHIVER_WHY says why).
ARCHIVER=off
ARCHIVER_WHY="not started"
ARCHIVER_STARTED=false
WORKER_PID=""

write_lifeboat_conf() {
  cat >"$LCONF" <<EOF
# Written by scripts/bench-backup.sh: Lifeboat's side of the backup benchmark.
temporal:
  address: 127.0.0.1:$BENCH_TEMPORAL_PORT
  namespace: default
  ui: http://127.0.0.1:$BENCH_TEMPORAL_UI_PORT
worker:
  regions: []
  metricsPort: 0
secrets:
  dir: $SECRETS
clusters:
  bench:
    strategy: active-passive
    nodes:
      - name: primary
        region: bench
        priority: 100
        weight: 1
        host: 127.0.0.1
        port: $BENCH_PG_PORT
        database: shop
        user: postgres
        passwordSecret: pg-bench
backup:
  strategy: daily
  retentionDays: 30
  compression: zstd
  compressionLevel: $ZSTD_LEVEL
  # Files read at once by the files source (pgBackRest: process-max $PGBACKREST_PROCESSES).
  readers: $LIFEBOAT_READERS
  encryption: true
  keys:
    provider: local
    file: $BENCH/lifeboat-kek.json
  destinations:
    - name: local
      url: file://$LREPO
restore:
  writers: $LIFEBOAT_WRITERS
EOF
}

# The worker and the CLI see only the generated config: no TEMPORAL_* or BACKUP_* override.
LIFEBOAT_ENV=(env -u TEMPORAL_ADDRESS -u TEMPORAL_NAMESPACE -u BACKUP_COMPRESSION -u BACKUP_ENCRYPTION
  -u BACKUP_RETENTION -u BACKUP_STRATEGY -u BACKUP_SOURCE -u LIFEBOAT_CONFIG)

start_lifeboat() {
  write_lifeboat_conf
  rm -rf "$LREPO" "$LSPOOL"
  require_free_port "$BENCH_TEMPORAL_PORT" "the benchmark's private Temporal server"
  require_free_port "$BENCH_TEMPORAL_UI_PORT" "the benchmark's private Temporal Web UI"
  log "starting a private Temporal dev server (in memory) on 127.0.0.1:$BENCH_TEMPORAL_PORT"
  spawn bench-temporal "$TEMPORAL" server start-dev --ip 127.0.0.1 --port "$BENCH_TEMPORAL_PORT" \
    --ui-port "$BENCH_TEMPORAL_UI_PORT" --namespace default --log-level warn \
    --search-attribute DrCluster=Keyword --search-attribute DrKind=Keyword \
    --search-attribute DrRegion=Keyword --search-attribute DrOutcome=Keyword
  wait_for_port "$BENCH_TEMPORAL_PORT" bench-temporal 90
  local deadline=$((SECONDS + 60))
  until "$TEMPORAL" --address "127.0.0.1:$BENCH_TEMPORAL_PORT" operator cluster health >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "the private Temporal server did not become healthy; see $LIFEBOAT_LOGS/bench-temporal.log"
    sleep 0.5
  done
  log "starting a Lifeboat worker on $LCONF; log in $LIFEBOAT_LOGS/bench-worker.log"
  : >"$LIFEBOAT_LOGS/bench-worker.log"
  spawn bench-worker "${LIFEBOAT_ENV[@]}" LIFEBOAT_WAL_SPOOL="$LSPOOL" java "${BENCH_WORKER_EXTRA[@]}" -jar "$WORKER_JAR" "$LCONF"
  deadline=$((SECONDS + 60))
  until grep -q "worker connected" "$LIFEBOAT_LOGS/bench-worker.log"; do
    running bench-worker || die "the worker exited during start; see $LIFEBOAT_LOGS/bench-worker.log"
    ((SECONDS < deadline)) || die "the worker did not connect within 60s; see $LIFEBOAT_LOGS/bench-worker.log"
    sleep 0.3
  done
  # spawn records setsid's pid, which became java by exec; the JVM's own pid is what /proc needs.
  WORKER_PID="$(cat "$(pidfile bench-worker)")"
  [[ "$(cat "/proc/$WORKER_PID/comm")" == java ]] || WORKER_PID="$(pgrep -P "$WORKER_PID" java | head -n1)"
  log "worker JVM pid $WORKER_PID"
}

stop_lifeboat() {
  stop_pidfile bench-worker
  stop_pidfile bench-temporal
}

lifeboat_cli() { "${LIFEBOAT_ENV[@]}" java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" "$@" --config "$LCONF" --cluster bench; }

# ---------------------------------------------------------------------------------------------
# Lifeboat's WAL archiver (docs/archiving.md), the counterpart of pgBackRest's archive-push: it
# runs in the worker through the private Temporal server, from before the first full to the end.

# A slot left by an interrupted run would keep WAL on the bench cluster forever.
drop_archiver_slot() {
  bench_pg_running || return 0
  bpsql -d postgres -Atc "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
    WHERE slot_name = '$ARCHIVER_SLOT' AND NOT active" >/dev/null || true
  if [[ -n "$(bpsql -d postgres -Atc "SELECT 1 FROM pg_replication_slots WHERE slot_name = '$ARCHIVER_SLOT'" || true)" ]]; then
    log "WARNING: the replication slot $ARCHIVER_SLOT is still on the bench cluster (active); drop it by hand"
  fi
}

# Whether the archiver has sealed a segment in the Lifeboat destination.
lifeboat_archived() { [[ -f "$LREPO/bench/wal/$1.seal.json" && -f "$LREPO/bench/wal/$1" ]]; }

# The archiver's status as the workflow reports it: "lagBytes lagMeasuredAt lastSegment".
archiver_lag() {
  "$TEMPORAL" --address "127.0.0.1:$BENCH_TEMPORAL_PORT" workflow query --workflow-id "$ARCHIVER_WORKFLOW" \
    --type status --output json 2>/dev/null | python3 -c '
import json, sys
def find(o):
    if isinstance(o, dict):
        if "lagBytes" in o:
            return o
        o = list(o.values())
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r:
                return r
    return None
from datetime import datetime, timezone
s = find(json.load(sys.stdin)) or {}
at = s.get("lagMeasuredAt") or "-"
if isinstance(at, (int, float)):
    at = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
print(s.get("lagBytes", "?"), at, s.get("lastSegment") or "-")' 2>/dev/null
}

# Switches WAL and waits until Lifeboat's archive holds the switched segment and the archiver's
# own lag measurement (every 5 s) is at most 1 MB: the archive has caught up. Returns 1 on timeout.
wait_lifeboat_archive() {
  local segment waited=$SECONDS limit="${1:-600}" lag measured last
  segment="$(bpsql -d postgres -Atc "SELECT pg_walfile_name(pg_switch_wal())")"
  until lifeboat_archived "$segment"; do
    ((SECONDS - waited < limit)) || { log "Lifeboat's WAL archive did not reach $segment within $limit s"; return 1; }
    sleep 0.5
  done
  local sealed_at
  sealed_at="$(date -u +%FT%T)"
  while true; do
    read -r lag measured last < <(archiver_lag) || true
    if [[ "$lag" =~ ^[0-9]+$ && "$measured" > "$sealed_at" ]] && ((lag <= 1000000)); then
      break
    fi
    if ((SECONDS - waited >= limit)); then
      log "Lifeboat's archive holds $segment, but the archiver's lag is $lag bytes (measured $measured)"
      break
    fi
    sleep 1
  done
  ARCHIVE_LAG="$lag bytes (measured $measured, last segment $last)"
  log "Lifeboat's WAL archive holds $segment; archiver lag $ARCHIVE_LAG; waited $((SECONDS - waited)) s"
}

start_archiver() {
  drop_archiver_slot
  if [[ "$NO_ARCHIVER" == true ]]; then
    ARCHIVER_WHY="--no-archiver given"
    return 1
  fi
  log "starting Lifeboat's WAL archiver (lifeboat archive start; spool $LSPOOL)"
  if ! lifeboat_cli archive start >"$BENCH/archive-start.out" 2>&1; then
    ARCHIVER_WHY="lifeboat archive start failed: $(grep -m1 -v '^\s*$' "$BENCH/archive-start.out" | cut -c1-200)"
    log "$ARCHIVER_WHY"
    return 1
  fi
  ARCHIVER_STARTED=true
  local deadline=$((SECONDS + 90))
  until [[ "$(bpsql -d postgres -Atc "SELECT active FROM pg_replication_slots WHERE slot_name = '$ARCHIVER_SLOT'")" == t ]]; do
    if ((SECONDS >= deadline)); then
      ARCHIVER_WHY="the archiver's pg_receivewal did not stream from slot $ARCHIVER_SLOT within 90 s (see $LIFEBOAT_LOGS/bench-worker.log, $LSPOOL)"
      log "$ARCHIVER_WHY"
      stop_archiver
      return 1
    fi
    sleep 0.5
  done
  if ! wait_lifeboat_archive 90; then
    ARCHIVER_WHY="the archiver streams but stored no segment within 90 s (see $LIFEBOAT_LOGS/bench-worker.log)"
    log "$ARCHIVER_WHY"
    stop_archiver
    return 1
  fi
  ARCHIVER=on
  ARCHIVER_WHY=""
}

stop_archiver() {
  [[ "$ARCHIVER_STARTED" == true ]] || return 0
  ARCHIVER_STARTED=false
  log "stopping Lifeboat's WAL archiver (lifeboat archive stop --drop-slot)"
  if timeout 180 "${LIFEBOAT_ENV[@]}" java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" archive stop --drop-slot --config "$LCONF" --cluster bench \
    >"$BENCH/archive-stop.out" 2>&1; then
    sed 's/^/  /' "$BENCH/archive-stop.out" >&2
  else
    log "lifeboat archive stop failed; see $BENCH/archive-stop.out (the slot is dropped directly below)"
  fi
}

LAST_LIFEBOAT_ID=""
BACKUP_SEQ=0
LIFEBOAT_OPTIONAL=false

# A BackupRequest as JSON (docs/backups.md): backup_json TYPE SOURCE [PARENT]
backup_json() {
  local parent=null
  [[ -z "${3:-}" ]] || parent="\"$3\""
  printf '{"cluster":"bench","type":"%s","sourceNode":null,"destinations":[],"quorum":0,"source":"%s","parent":%s}' \
    "$1" "$2" "$parent"
}

# Runs one `lifeboat backup ...` through the CLI and measures it. Wall is the CLI's, end to end
# (JVM start, workflow, result); CPU is the worker JVM's (with its pg_basebackup) plus the CLI's.
# Returns 3 when this build's CLI or workflow rejects the request (see run_optional_lifeboat).
run_lifeboat() {
  local name="$1"
  shift
  local out="$BENCH/cli.out" worker_before worker_after command=()
  if [[ "$1" == --temporal-cli ]]; then
    # A scheduled backup has no CLI watching it: start the workflow with the temporal CLI (Go, a
    # few milliseconds of CPU) and wait for its result, as docs/backups.md shows.
    shift
    BACKUP_SEQ=$((BACKUP_SEQ + 1))
    command=("$TEMPORAL" --address "127.0.0.1:$BENCH_TEMPORAL_PORT" workflow execute --type BackupWorkflow
      --task-queue lifeboat --workflow-id "backup-bench-$$-$BACKUP_SEQ" --output json --input "$1")
  else
    command=("${LIFEBOAT_ENV[@]}" java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" backup "$@" --config "$LCONF" --cluster bench)
  fi
  worker_before="$(proc_ticks "$WORKER_PID")"
  if ! timed "${command[@]}" >"$out" 2>&1; then
    if grep -qE "Unknown option|Unmatched argument|not available in this version|Did you mean" "$out"; then
      return 3
    fi
    cat "$out" >&2
    [[ "$LIFEBOAT_OPTIONAL" == true ]] && return 4
    die "lifeboat backup $* failed"
  fi
  worker_after="$(proc_ticks "$WORKER_PID")"
  LAST_LIFEBOAT_ID="$( (sed -n 's/^Backup \([0-9][^ ]*\) .*/\1/p' "$out"; grep -o '"backupId": *"[^"]*"' "$out" | sed 's/.*"\([^"]*\)"$/\1/') | head -n1 || true)"
  [[ -n "$LAST_LIFEBOAT_ID" ]] || { cat "$out" >&2; die "could not read the backup id from the CLI's output"; }
  local worker_cpu cpu size activity
  worker_cpu="$(seconds_of_ticks $((worker_after - worker_before)))"
  cpu="$(echo "$worker_cpu + $CLIENT_CPU" | bc -l)"
  # The backup's objects, manifest and wrapped data key, as stored.
  size="$(du -sb "$LREPO/bench/$LAST_LIFEBOAT_ID" "$LREPO/keys/bench/$LAST_LIFEBOAT_ID.json" | awk '{s += $1} END {print s}')"
  # The activity's own span (manifest start to stop): the CLI's wall also holds its JVM start and
  # the workflow's scheduling, which a long-running worker and a scheduled backup do not see.
  activity="$(python3 -c 'import json, sys
from datetime import datetime
m = json.load(open(sys.argv[1]))
t = lambda s: datetime.fromisoformat(s[:26].rstrip("Z"))
span = (t(m["stopTime"]) - t(m["startTime"])).total_seconds()
# How an incremental splits: objects holding only WAL, and the data files by kind (the files
# source records WHOLE, DELTA or UNCHANGED per file).
wal_objects = {f["object"] for f in m.get("files") or [] if f["path"].startswith("pg_wal/") and f["object"]}
other_objects = {f["object"] for f in m.get("files") or [] if not f["path"].startswith("pg_wal/") and f["object"]}
wal = sum(o["size"] for o in m["objects"] if o["path"] in wal_objects - other_objects)
kinds = {}
for f in m.get("files") or []:
    kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
split = "" if not kinds else ", WAL-only objects %d bytes, files %s" % (
    wal, " ".join("%s %d" % kv for kv in sorted(kinds.items())))
print("%.2fs%s" % (span, split))' "$LREPO/bench/$LAST_LIFEBOAT_ID/manifest.json")"
  record "$name" "$WALL" "$cpu" "$SERVER_CPU" "$size" \
    "activity ${activity}; worker ${worker_cpu}s + client ${CLIENT_CPU}s CPU; $LAST_LIFEBOAT_ID"
  log "  $name: ${WALL}s wall (activity ${activity}), ${cpu}s CPU (worker $worker_cpu, client $CLIENT_CPU; +${SERVER_CPU}s server), $size bytes"
}

# The WAL that an incremental leaves to the archive, measured in both archives over the same span:
# the segments from the Lifeboat parent's stop LSN up to (not including) the segment of the Lifeboat
# incremental's start; with the archiver on, segments the incremental stored itself (from its WAL
# reservation on) are excluded; without it, the incremental holds all of them. pgBackRest's own
# incr already counts the segments of its start-stop range (pgbackrest_size), so they are not
# counted again here. Prints JSON for the report, or why it could not be measured.
wal_span() {
  local parent="$1" incr="$2"
  [[ -n "$parent" && -n "$incr" && -f "$LREPO/bench/$incr/manifest.json" ]] || { echo "no Lifeboat incremental"; return 0; }
  local segment_bytes pgbr_info
  segment_bytes="$(bpsql -d postgres -Atc "SELECT pg_size_bytes(current_setting('wal_segment_size'))")"
  pgbr_info="$(pgbackrest_as_pg info --output=json)"
  python3 - "$LREPO/bench/$parent/manifest.json" "$LREPO/bench/$incr/manifest.json" "$segment_bytes" \
    "$LREPO/bench/wal" "$REPO/archive/bench" "$pgbr_info" "$ARCHIVER" <<'PY'
import json, os, sys
parent, incr, size, lwal, pgbr_archive, info, archiver = sys.argv[1:]
parent, incr, size = json.load(open(parent)), json.load(open(incr)), int(size)
lsn = lambda s: (int(s.split("/")[0], 16) << 32) + int(s.split("/")[1], 16)
per = 0x100000000 // size
tli = int(incr["timeline"])
name = lambda n: "%08X%08X%08X" % (tli, n // per, n % per)
first, end = lsn(parent["stopLsn"]) // size, lsn(incr["startLsn"]) // size
stored = {f["path"][len("pg_wal/"):] for f in incr.get("files") or [] if f["path"].startswith("pg_wal/")}
names = [name(n) for n in range(first, end) if archiver != "on" or name(n) not in stored]
pgbr_incr = json.loads(info)[0]["backup"][-1]["archive"]
pgbr_own = {n for n in names if pgbr_incr["start"] <= n <= pgbr_incr["stop"]}
pgbr_files = {}
for root, _, files in os.walk(pgbr_archive):
    for f in files:
        if len(f) > 24 and f[24] == "-":
            pgbr_files[f[:24]] = os.path.getsize(os.path.join(root, f))
def side(sizes, skip=()):
    counted = [n for n in names if n not in skip]
    present = [n for n in counted if n in sizes]
    return dict(bytes=sum(sizes[n] for n in present), present=len(present), counted=len(counted),
                missing=[n for n in counted if n not in sizes], why="not in the archive")
lsizes = {}
for n in names:
    if os.path.exists(os.path.join(lwal, n)):
        lsizes[n] = os.path.getsize(os.path.join(lwal, n)) + os.path.getsize(os.path.join(lwal, n + ".seal.json"))
lifeboat = side(lsizes)
if archiver != "on":
    lifeboat["why"] = "no WAL archiver in this run: the incremental stored this WAL itself"
out = dict(first=names[0] if names else "-", last=names[-1] if names else "-", segments=len(names),
           from_lsn=parent["stopLsn"], to_lsn=incr["startLsn"], wal_bytes=lsn(incr["startLsn"]) - lsn(parent["stopLsn"]),
           stored_by_incr=sorted(stored), lifeboat=lifeboat, pgbackrest=side(pgbr_files, pgbr_own),
           pgbr_own=sorted(pgbr_own))
print(json.dumps(out))
PY
}

# >>> THE ONE PLACE where Lifeboat features that may not be in this build are invoked. <<<
# The files source (`backup full --source files`) and the incremental (`backup incremental
# --parent ID`) come from another branch. When this build's CLI or workflow rejects them, the
# row says so; no number is made up.
run_optional_lifeboat() {
  local name="$1"
  shift
  local status=0
  LIFEBOAT_OPTIONAL=true
  run_lifeboat "$name" "$@" || status=$?
  LIFEBOAT_OPTIONAL=false
  if ((status == 4)); then
    local why
    why="$(grep -m1 '^lifeboat: ' "$BENCH/cli.out" | cut -c1-300 || true)"
    log "  $name: FAILED: $why"
    record "$name" "" "" "" "" "FAILED: $why"
    return 4
  fi
  if ((status == 3)); then
    log "  $name: skipped: not available in this build ($(grep -m1 -E "Unknown option|Unmatched argument|not available|Did you mean" "$BENCH/cli.out"))"
    record "$name" "" "" "" "" "skipped: not available in this build"
    return 3
  fi
  return "$status"
}

# ---------------------------------------------------------------------------------------------
# Restores (--restore): the newest full of each side into $RESTORE_DIR, then a server on it.
# pgBackRest's restore writes and fsyncs every file; Lifeboat's layout writes them and leaves the
# flush to PostgreSQL, which syncs the whole data directory when it starts from a backup (its
# recovery_init_sync_method): so the fair pair is the time to a server that has recovered to
# consistency, and the layout alone is shown beside `pgbackrest restore` alone. Sizes are the
# restored data directory without pg_wal (a started server adds its own segments).

RESTORE_DIR="$BPG/restore-$SCALE_TAG"

remove_restore() {
  if [[ -f "$RESTORE_DIR/postmaster.pid" ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$RESTORE_DIR" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$RESTORE_DIR" "$RESTORE_DIR.wal" "$RESTORE_DIR.log" "$RESTORE_DIR.lifeboat-restore"
}

# Seconds since the epoch, with fractions.
now_s() { date +%s.%N; }

run_pgbackrest_restore() {
  remove_restore
  require_free_port "$BENCH_RESTORE_PORT" "the benchmark's restored server"
  as_pg mkdir -m 700 "$RESTORE_DIR"
  local started
  started="$(now_s)"
  timed "${PGBACKREST[@]}" --pg1-path="$RESTORE_DIR" --type=immediate --target-action=promote restore ||
    die "pgbackrest restore failed; see $BPG/pgbackrest-log"
  local restore_wall="$WALL" restore_cpu="$CLIENT_CPU" size
  size="$(du -sb --exclude=pg_wal "$RESTORE_DIR" | cut -f1)"
  record "pgBackRest restore" "$restore_wall" "$restore_cpu" 0 "$size" "process-max $PGBACKREST_PROCESSES, --type=immediate; writes and fsyncs"
  # The restored configuration is the bench cluster's: another port, no archiving into its repo.
  as_pg "$PGBIN/pg_ctl" -D "$RESTORE_DIR" -l "$RESTORE_DIR.log" -w -t 600 -o \
    "-p $BENCH_RESTORE_PORT -c archive_mode=off -c unix_socket_directories=$BPG -c cluster_name=bench-restore" \
    start >/dev/null || die "the server restored by pgBackRest did not start: $(tail -n 5 "$RESTORE_DIR.log" 2>/dev/null | tr '\n' ' ')"
  until [[ "$(PGPASSWORD="$PG_PASSWORD" "$PGBIN/psql" -h 127.0.0.1 -p "$BENCH_RESTORE_PORT" -U postgres -X -Atc \
    "SELECT NOT pg_is_in_recovery()" postgres 2>/dev/null)" == t ]]; do
    sleep 0.1
  done
  local total
  total="$(printf '%.2f' "$(echo "$(now_s) - $started" | bc -l)")"
  record "pgBackRest restore + start + recovery" "$total" "$restore_cpu" 0 "$size" "to a promoted server; CPU of the restore command only"
  log "  pgBackRest restore: ${restore_wall}s (${restore_cpu}s CPU), to a promoted server ${total}s, $size bytes"
  remove_restore
}

run_lifeboat_restore() {
  local id="$1"
  remove_restore
  require_free_port "$BENCH_RESTORE_PORT" "the benchmark's restored server"
  local out="$BENCH/restore-cli.out" worker_before worker_after
  worker_before="$(proc_ticks "$WORKER_PID")"
  timed "${LIFEBOAT_ENV[@]}" java "${CLI_JAVA_OPTS[@]}" -jar "$CLI_JAR" restore --backup "$id" --until-consistent --from local \
    --to "$RESTORE_DIR" --port "$BENCH_RESTORE_PORT" --config "$LCONF" --cluster bench >"$out" 2>&1 || {
    cat "$out" >&2
    die "lifeboat restore --backup $id failed"
  }
  worker_after="$(proc_ticks "$WORKER_PID")"
  local worker_cpu cpu size layout wal recovery validate
  worker_cpu="$(seconds_of_ticks $((worker_after - worker_before)))"
  cpu="$(echo "$worker_cpu + $CLIENT_CPU" | bc -l)"
  size="$(du -sb --exclude=pg_wal "$RESTORE_DIR" | cut -f1)"
  layout="$(sed -n 's/^  layout *\([0-9.]*\) s.*/\1/p' "$out")"
  wal="$(sed -n 's/^  WAL *\([0-9.]*\) s.*/\1/p' "$out")"
  recovery="$(sed -n 's/^  recovery *\([0-9.]*\) s.*/\1/p' "$out")"
  validate="$(sed -n 's/^  validate *\([0-9.]*\) s.*/\1/p' "$out")"
  [[ -n "$layout" && -n "$wal" && -n "$recovery" ]] || { cat "$out" >&2; die "could not read the phases from the restore's report"; }
  # The report's phases are measured by the activities; the CLI's wall adds its JVM start, the
  # workflow's scheduling and the validation (row counts, amcheck).
  record "Lifeboat restore, layout" "$layout" "$cpu" 0 "$size" "writers $LIFEBOAT_WRITERS; worker ${worker_cpu}s + client ${CLIENT_CPU}s CPU for the whole restore; $id"
  record "Lifeboat restore, layout + WAL + recovery" "$(echo "$layout + $wal + $recovery" | bc -l)" "$cpu" 0 "$size" "to a promoted server (the report's phases)"
  record "Lifeboat restore CLI, end to end" "$WALL" "$cpu" 0 "$size" "incl. validation ${validate}s (row counts, amcheck) and JVM start"
  log "  Lifeboat restore: layout ${layout}s, WAL ${wal}s, recovery ${recovery}s, validate ${validate}s; CLI ${WALL}s; ${cpu}s CPU; $size bytes"
  remove_restore
}

# The same restore started by the `temporal` CLI (Go, a few milliseconds of CPU), as the scheduled
# test restores start it: no Lifeboat CLI JVM competes with the worker for the two cores. The
# phases come from the report in the workflow's result, unrounded.
RESTORE_SEQ=0
run_lifeboat_restore_no_cli() {
  local id="$1"
  remove_restore
  require_free_port "$BENCH_RESTORE_PORT" "the benchmark's restored server"
  RESTORE_SEQ=$((RESTORE_SEQ + 1))
  local out="$BENCH/restore-temporal.out" worker_before worker_after
  worker_before="$(proc_ticks "$WORKER_PID")"
  timed "$TEMPORAL" --address "127.0.0.1:$BENCH_TEMPORAL_PORT" workflow execute --type RestoreWorkflow \
    --task-queue lifeboat --workflow-id "restore-bench-$$-$RESTORE_SEQ" --output json --input \
    "{\"cluster\":\"bench\",\"backupId\":\"$id\",\"untilConsistent\":true,\"destination\":\"local\",\"directory\":\"$RESTORE_DIR\",\"port\":$BENCH_RESTORE_PORT}" \
    >"$out" 2>&1 || {
    cat "$out" >&2
    die "the RestoreWorkflow of $id started by the temporal CLI failed"
  }
  worker_after="$(proc_ticks "$WORKER_PID")"
  local worker_cpu cpu size phases layout to_server
  worker_cpu="$(seconds_of_ticks $((worker_after - worker_before)))"
  cpu="$(echo "$worker_cpu + $CLIENT_CPU" | bc -l)"
  size="$(du -sb --exclude=pg_wal "$RESTORE_DIR" | cut -f1)"
  phases="$(python3 -c 'import json, sys
report = json.load(open(sys.argv[1]))["result"]
layout, wal, recovery = (report[k]["seconds"] for k in ("layout", "wal", "recovery"))
print("%.2f %.2f" % (layout, layout + wal + recovery))' "$out")" || { cat "$out" >&2; die "could not read the phases from the workflow's result"; }
  read -r layout to_server <<<"$phases"
  record "Lifeboat restore, layout, no CLI" "$layout" "$cpu" 0 "$size" "started by the temporal CLI; worker ${worker_cpu}s + client ${CLIENT_CPU}s CPU for the whole restore"
  record "Lifeboat restore, layout + WAL + recovery, no CLI" "$to_server" "$cpu" 0 "$size" "to a promoted server (the report's phases)"
  log "  Lifeboat restore, no CLI: layout ${layout}s, to a promoted server ${to_server}s; workflow ${WALL}s; ${cpu}s CPU; $size bytes"
  remove_restore
}

# ---------------------------------------------------------------------------------------------
# The 5% update. Each of the six tables gets one statement an application would run (price
# changes, logins, views, settlements, alert sends); which rows depends on --update:
#   recent  the newest 5% of each table (OLTP writes favour recent rows),
#   random  5% spread uniformly (a hash of the id), touching nearly every page,
#   mixed   4% newest + 1% spread uniformly over the older rows (the default).

update_rows() {
  local pick
  case "$UPDATE" in
    recent) pick="id > (SELECT max(id) * 0.95 FROM TABLE)" ;;
    random) pick="abs(hashint8extended(id, 4242)) % 10000 < 500" ;;
    mixed) pick="(id > (SELECT max(id) * 0.96 FROM TABLE) OR abs(hashint8extended(id, 4242)) % 10000 < 104)" ;;
  esac
  local sql="" t set
  for t in users properties listings searches transactions alerts; do
    case "$t" in
      users) set="last_login_at = timestamptz '2026-11-25 09:00+00' + (id % 3600) * interval '1 second'" ;;
      properties) set="price = round(price * 0.97, 2), updated_at = timestamptz '2026-11-25 09:00+00'" ;;
      listings) set="view_count = view_count + 1 + (id % 7)::int" ;;
      searches) set="result_count = result_count + 1" ;;
      transactions) set="settled_at = occurred_at + interval '2 days'" ;;
      alerts) set="last_sent_at = timestamptz '2026-11-25 09:00+00'" ;;
    esac
    sql+="UPDATE $t SET $set WHERE ${pick//TABLE/$t};"$'\n'
  done
  local total before after
  total="$(bpsql -d shop -Atc "SELECT sum(n_live_tup)::bigint FROM pg_stat_user_tables")"
  before="$(bpsql -d shop -Atc "SELECT sum(n_tup_upd)::bigint FROM pg_stat_user_tables")"
  touch "$UPDATED_MARK"
  bpsql -d shop -c "$sql"
  # The application reads what it wrote, as any would; the first reads of the new row versions
  # set their hint bits. Done here, before the checkpoint, that costs no extra WAL: the pages are
  # still dirty from the UPDATE. Left to the first backup that reads every row (Lifeboat's row
  # counts), it would rewrite those pages after the checkpoint, with a full-page image each
  # (data checksums), during that backup: WAL, CPU and archiving the workload owes, not the tool.
  local read_sql=""
  for t in users properties listings searches transactions alerts; do
    read_sql+="SELECT count(*) FROM $t;"$'\n'
  done
  bpsql -d shop -Atc "$read_sql" >/dev/null
  bpsql -d postgres -c "CHECKPOINT" >/dev/null
  # The archivers (pgBackRest's archive-push, and Lifeboat's WAL archiver when it runs) compress
  # and encrypt the update's WAL in the background; wait for both, so that neither incremental
  # shares the machine with them, and so that both archives hold the WAL since the fulls.
  local last_segment waited=$SECONDS
  last_segment="$(bpsql -d postgres -Atc "SELECT pg_walfile_name(pg_switch_wal())")"
  until [[ "$(bpsql -d postgres -Atc "SELECT coalesce(last_archived_wal, '') >= '$last_segment' FROM pg_stat_archiver")" == t ]]; do
    ((SECONDS - waited < 600)) || die "WAL archiving did not reach $last_segment within 600 s; see $BPG/pgbackrest-log"
    sleep 1
  done
  log "the update's WAL is archived by pgBackRest (up to $last_segment), waited $((SECONDS - waited)) s"
  if [[ "$ARCHIVER" == on ]]; then
    wait_lifeboat_archive || die "Lifeboat's WAL archiver did not catch up after the update; see $LIFEBOAT_LOGS/bench-worker.log"
  fi
  sleep 1 # the statistics collector reports the counts asynchronously
  after="$(bpsql -d shop -Atc "SELECT sum(n_tup_upd)::bigint FROM pg_stat_user_tables")"
  UPDATED="$((after - before)) of $total rows ($(echo "scale=1; 100 * ($after - $before) / $total" | bc -l)%), pattern $UPDATE"
  log "updated $UPDATED"
}

# ---------------------------------------------------------------------------------------------

cleanup() {
  [[ "$RESTORE" == true ]] && remove_restore
  stop_archiver
  stop_lifeboat
  # Never leave the archiver's slot behind: it would keep WAL on the bench cluster forever.
  drop_archiver_slot
  if [[ "$KEEP" == true ]]; then
    log "--keep: the bench cluster keeps running on 127.0.0.1:$BENCH_PG_PORT ($DATA)"
  else
    stop_bench_pg
  fi
}
trap cleanup EXIT

LOAD_BEFORE="$(uptime)"
restore_pristine_if_updated
stop_bench_pg
empty_pgbackrest_repo
start_bench_pg
create_pgbackrest_stanza
load_bench_db
start_lifeboat
start_archiver || log "FALLBACK: the benchmark runs without Lifeboat's WAL archiver ($ARCHIVER_WHY); the incremental stores the WAL since its parent itself"
DB_BYTES="$(database_bytes)"
: >"$RESULTS"

log "warming the page cache (tar of the data directory to /dev/null)"
tar -cf - -C "$DATA" . 2>/dev/null | cat >/dev/null || true

FULL_PARENT=""
if [[ "$RESTORE_ONLY" == true ]]; then
  log "--restore-only: one full of each side, then $RUNS restore(s) of each"
  run_pgbackrest full "pgBackRest full"
  run_optional_lifeboat "Lifeboat full (files)" full --source files || die "--restore-only needs the files source"
  FULL_PARENT="$LAST_LIFEBOAT_ID"
fi
for run in $(seq 1 "$([[ "$RESTORE_ONLY" == true ]] && echo 0 || echo "$RUNS")"); do
  log "run $run of $RUNS (database $DB_BYTES bytes)"
  run_pgbackrest full "pgBackRest full"
  run_lifeboat "Lifeboat full (stream)" full --source stream
  run_lifeboat "Lifeboat full (stream), no CLI" --temporal-cli "$(backup_json full stream)"
  FULL_PARENT="$LAST_LIFEBOAT_ID"
  if run_optional_lifeboat "Lifeboat full (files)" full --source files; then
    FULL_PARENT="$LAST_LIFEBOAT_ID"
    run_optional_lifeboat "Lifeboat full (files), no CLI" --temporal-cli "$(backup_json full files)" || true
  fi
  run_pg_basebackup "pg_basebackup -Ft"
  run_pg_basebackup "pg_basebackup -Ft server-zstd:3,workers=2" --compress=server-zstd:level=3,workers=2
  run_tar_zstd 1
  run_tar_zstd 3
done

if [[ "$RESTORE" == true ]]; then
  log "restores: the newest full of each side (pgBackRest's, and Lifeboat's $FULL_PARENT), $RUNS time(s) each"
  for run in $(seq 1 "$RUNS"); do
    run_pgbackrest_restore
    run_lifeboat_restore "$FULL_PARENT"
    run_lifeboat_restore_no_cli "$FULL_PARENT"
  done
fi

UPDATED=""
if [[ "$RESTORE_ONLY" != true ]]; then
log "incremental: UPDATE 5% of the rows, then pgBackRest --type=incr and Lifeboat incremental (parent $FULL_PARENT)"
update_rows
run_pgbackrest incr "pgBackRest incr"
if [[ "$ARCHIVER" == on ]]; then
  # pgBackRest's incr wrote WAL (checkpoint, start and stop records); Lifeboat's archiver ships it
  # in the background, as archive-push did for pgBackRest: wait for it here too.
  wait_lifeboat_archive || die "Lifeboat's WAL archiver did not catch up after pgBackRest's incr"
fi
# One incremental only: a second one on the same parent would also carry the first one's WAL.
run_optional_lifeboat "Lifeboat incremental" incremental --parent "$FULL_PARENT" || true
WAL_SPAN="$(wal_span "$FULL_PARENT" "$LAST_LIFEBOAT_ID")"
else
  WAL_SPAN="--restore-only: no incremental"
fi
stop_archiver
LOAD_AFTER="$(uptime)"
if [[ "$ARCHIVER" == on ]]; then
  ARCHIVER_LINE="on: lifeboat archive start before the fulls (slot $ARCHIVER_SLOT, pg_receivewal, spool in the bench state);"
  ARCHIVER_LINE+=$'\n'"         caught up (seal of the switched segment, lag <= 1 MB) before each incremental; last lag $ARCHIVE_LAG;"
  ARCHIVER_LINE+=$'\n'"         stopped with --drop-slot at the end"
else
  ARCHIVER_LINE="OFF (fallback: $ARCHIVER_WHY): the incremental stores the WAL since its parent itself, as before"
fi

python3 - "$RESULTS" "$DB_BYTES" "$RUNS" "$SCALE" "$UPDATED" "$LOAD_BEFORE" "$LOAD_AFTER" "$BPG" \
  "$PGBACKREST_PROCESSES" "$LIFEBOAT_READERS" "$ARCHIVER_LINE" "$WAL_SPAN" <<'EOF'
import json, re, subprocess, sys
path, db_bytes, runs, scale, updated, load_before, load_after, state, pgbr_processes, readers, archiver, wal_span = sys.argv[1:]
db_bytes = int(db_bytes)
def sh(cmd):
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
names = list(dict.fromkeys(r[0] for r in rows))
med = {}
why = {}
for n in names:
    rs = [r for r in rows if r[0] == n]
    if not rs[0][1]:
        med[n] = None
        why[n] = rs[0][5]
        continue
    by_wall = sorted(rs, key=lambda r: float(r[1]))
    m = by_wall[(len(by_wall) - 1) // 2]  # the median run by wall time, reported whole
    med[n] = dict(wall=float(m[1]), cpu=float(m[2]), server=float(m[3]), size=int(m[4]), note=m[5],
                  load=m[6], walls=["%.2f (load %s)" % (float(r[1]), r[6]) for r in rs])
print("machine: %s, %s cores, %s RAM, disk %s" % (
    sh("lscpu | sed -n 's/^Model name: *//p' | head -1"), sh("nproc"), sh("free -h | awk '/Mem:/ {print $2}'"),
    sh("df -h --output=source,size,fstype %s | tail -1 | tr -s ' '" % state) + " (" +
    sh("lsblk -dno NAME,ROTA,SIZE $(df --output=source %s | tail -1) 2>/dev/null | awk '{print ($2==1?\"virtio, reports rotational\":\"non-rotational\")}'" % state) + ")"))
print("tools:   %s; %s; %s; %s" % (sh("java -version 2>&1 | head -1"), sh("pgbackrest version"),
    sh("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/postgres --version"), sh("zstd --version")))
print("load:    before %s\n         after  %s" % (load_before.split("load average:")[-1].strip(), load_after.split("load average:")[-1].strip()))
print("database: shop at scale %s, %.1f MB on disk (all databases of the cluster); %s run(s), median by wall time"
      % (scale, db_bytes / 1e6, runs))
print("update:  %s" % updated)
print("WAL archiver (Lifeboat): %s" % archiver)
print("processes: pgBackRest process-max %s (plus its main process). Lifeboat: one worker JVM; stream source: one"
      "\n         pg_basebackup (and its walsender), one zstd stream with 2 worker threads; files source: %s reader"
      "\n         threads, each bundle's zstd stream with up to 2 worker threads (cores here: 2)\n"
      % (pgbr_processes, readers))
print("%-42s %8s %8s %8s %8s %13s %6s" % ("what", "wall s", "CPU s", "srv CPU", "MB/s", "output bytes", "load"))
for n in names:
    m = med[n]
    if m is None:
        print("%-42s %s" % (n, why[n]))
        continue
    print("%-42s %8.2f %8.2f %8.2f %8.1f %13d %6s" % (n, m["wall"], m["cpu"], m["server"], db_bytes / 1e6 / m["wall"], m["size"], m["load"]))
for n in names:
    if med[n] is not None and n.startswith("Lifeboat"):
        print("  %-40s %s" % (n, med[n]["note"]))
print("\n(load: the 1-minute load average when the measurement started; this machine has 2 cores)")
print("(CPU s: user+sys of the tool's processes; for Lifeboat the worker JVM, its pg_basebackup and the client:"
      "\n the lifeboat CLI, which follows the backup with a progress bar, or for 'no CLI' the temporal CLI.)"
      "\n(srv CPU: the PostgreSQL cluster's processes, incl. walsenders and archive-push, over the same span.)\n")
for n in names:
    if med[n] is not None and len(med[n]["walls"]) > 1:
        print("  %-40s wall of every run: %s" % (n, ", ".join(med[n]["walls"])))
def ratio(ours, theirs):
    a, b = med.get(ours), med.get(theirs)
    if not a or not b:
        print("%s / %s: not measured (%s)" % (ours, theirs, "skipped" if ours in med else "missing"))
        return
    print("%s / %s:" % (ours, theirs))
    print("  throughput %5.2fx  (%.1f / %.1f MB/s)" % (b["wall"] / a["wall"], db_bytes / 1e6 / a["wall"], db_bytes / 1e6 / b["wall"]))
    print("  wall       %5.2fx  (%.2f / %.2f s)" % (a["wall"] / b["wall"], a["wall"], b["wall"]))
    print("  CPU        %5.2fx  (%.2f / %.2f s; with server CPU %.2f / %.2f s)" % (
        a["cpu"] / b["cpu"], a["cpu"], b["cpu"], a["cpu"] + a["server"], b["cpu"] + b["server"]))
    print("  output     %5.2fx  (%d / %d bytes)" % (a["size"] / b["size"], a["size"], b["size"]))
    act = re.search(r"activity ([0-9.]+)s", a["note"])
    if act:
        print("  throughput %5.2fx  on the activity's own span (%.2f s, %.1f MB/s): without CLI start and scheduling"
              % (b["wall"] / float(act.group(1)), float(act.group(1)), db_bytes / 1e6 / float(act.group(1))))
print()
ratio("Lifeboat full (stream)", "pgBackRest full")
ratio("Lifeboat full (stream), no CLI", "pgBackRest full")
ratio("Lifeboat full (files)", "pgBackRest full")
ratio("Lifeboat full (files), no CLI", "pgBackRest full")
ratio("Lifeboat full (files), no CLI", "tar | zstd -1 -T2")
ratio("Lifeboat full (stream)", "tar | zstd -1 -T2")
ratio("Lifeboat full (stream), no CLI", "tar | zstd -1 -T2")
print()
if "pgBackRest restore" in med:
    ratio("Lifeboat restore, layout", "pgBackRest restore")
    ratio("Lifeboat restore, layout + WAL + recovery", "pgBackRest restore + start + recovery")
    ratio("Lifeboat restore CLI, end to end", "pgBackRest restore + start + recovery")
    ratio("Lifeboat restore, layout, no CLI", "pgBackRest restore")
    ratio("Lifeboat restore, layout + WAL + recovery, no CLI", "pgBackRest restore + start + recovery")
    for ours in ("Lifeboat restore, layout + WAL + recovery", "Lifeboat restore, layout + WAL + recovery, no CLI"):
        a, b = med.get(ours), med.get("pgBackRest restore + start + recovery")
        if a and b:
            print("target (%s): time to a recovered server <= 1.2x pgBackRest's: %s (%.2fx: %.2f / %.2f s)"
                  % (ours, "MET" if a["wall"] <= 1.2 * b["wall"] else "NOT MET", a["wall"] / b["wall"], a["wall"], b["wall"]))
            # Issue #5's wording: the restore's throughput at least 1.2x pgBackRest's (the same
            # database over each wall time, so the ratio is pgBackRest's wall over ours).
            print("target (%s): throughput >= 1.2x pgBackRest's: %s (%.2fx: %.2f / %.2f s)"
                  % (ours, "MET" if b["wall"] >= 1.2 * a["wall"] else "NOT MET", b["wall"] / a["wall"], b["wall"], a["wall"]))
    print()
def incr(name, full):
    i, f = med.get(name), med.get(full)
    if not i or not f:
        print("%-22s not measured: %s" % (name, why.get(name) or why.get(full) or "missing"))
        return
    print("%-22s size %5.1f%% of the full (%d / %d bytes), time %5.1f%% of the full's (%.2f / %.2f s)"
          % (name, 100 * i["size"] / f["size"], i["size"], f["size"], 100 * i["wall"] / f["wall"], i["wall"], f["wall"]))
    ai, af = re.search(r"activity ([0-9.]+)s", i["note"]), re.search(r"activity ([0-9.]+)s", f["note"])
    if ai and af:
        print("%-22s activity span %5.1f%% of the full's (%s / %s s)"
              % ("", 100 * float(ai.group(1)) / float(af.group(1)), ai.group(1), af.group(1)))
incr("pgBackRest incr", "pgBackRest full")
incr("Lifeboat incremental", "Lifeboat full (files)")
# Issue #4's targets, judged on this run's medians, with what bounds each on this machine.
def activity(m):
    found = re.search(r"activity ([0-9.]+)s", m["note"]) if m else None
    return float(found.group(1)) if found else None
def verdict(ok):
    return "MET" if ok else "NOT MET"
print("\ntargets (issue #4), this run:")
pgbr, zstd1, zstd3 = med.get("pgBackRest full"), med.get("tar | zstd -1 -T2"), med.get("tar | zstd -3 -T2")
for ours in ("Lifeboat full (files)", "Lifeboat full (files), no CLI"):
    a = med.get(ours)
    if not a or not pgbr:
        continue
    print("  %-31s throughput >= 2x pgBackRest's: %s (%.2fx: %.2f / %.2f s)"
          % (ours, verdict(pgbr["wall"] >= 2 * a["wall"]), pgbr["wall"] / a["wall"], pgbr["wall"], a["wall"]))
    if zstd1:
        print("  %-31s throughput >= 0.7x tar | zstd -1 -T2: %s (%.2fx: %.2f / %.2f s)"
              % ("", verdict(zstd1["wall"] >= 0.7 * a["wall"]), zstd1["wall"] / a["wall"], zstd1["wall"], a["wall"]))
    print("  %-31s output within 10%% of pgBackRest's: %s (%.3fx: %d / %d bytes)"
          % ("", verdict(abs(a["size"] / pgbr["size"] - 1) <= 0.10), a["size"] / pgbr["size"], a["size"], pgbr["size"]))
if pgbr and zstd3:
    # What the 2x target asks of a full on this machine, beside a pipe that does nothing but read
    # and compress at the same level.
    print("  (2x pgBackRest asks for a full in %.2f s; tar | zstd -3 -T2, which only reads and compresses"
          "\n   at the same level, took %.2f s and %.2f s of CPU on this %s-core machine)"
          % (pgbr["wall"] / 2, zstd3["wall"], zstd3["cpu"], sh("nproc")))
i, f = med.get("Lifeboat incremental"), med.get("Lifeboat full (files)")
if i and f:
    print("  %-31s size <= 15%% of the full's: %s (%.1f%%)" % ("Lifeboat incremental", verdict(i["size"] <= 0.15 * f["size"]), 100 * i["size"] / f["size"]))
    print("  %-31s time <= 50%% of the full's: %s (%.1f%%: %.2f / %.2f s)"
          % ("", verdict(i["wall"] <= 0.5 * f["wall"]), 100 * i["wall"] / f["wall"], i["wall"], f["wall"]))
    ai, af = activity(i), activity(f)
    if ai and af:
        # The CLI's start and the workflow's steps around the backup activity cost both backups
        # about the same; the part the incremental can shrink is the activity.
        print("  %-31s (activity spans %.2f / %.2f s, %.1f%%; outside them, CLI start and scheduling:"
              "\n   %.2f s for the incremental, %.2f s for the full)"
              % ("", ai, af, 100 * ai / af, i["wall"] - ai, f["wall"] - af))
# The WAL of the same span in both archives: what the incrementals leave to the archive.
span = json.loads(wal_span) if wal_span.startswith("{") else None
if not span:
    print("\nWAL archive, same span: not measured (%s)" % (wal_span or "no incremental"))
else:
    print("\nWAL archive, same span: the segments from the Lifeboat parent's stop to the Lifeboat incremental's start"
          "\n  %s .. %s, %d segment(s), LSN %s .. %s (%.1f MB of WAL written)%s"
          % (span["first"], span["last"], span["segments"], span["from_lsn"], span["to_lsn"], span["wal_bytes"] / 1e6,
             "" if not span["stored_by_incr"] else "; stored in the incremental itself: " + ", ".join(span["stored_by_incr"])))
    if span["pgbr_own"]:
        print("  (pgBackRest: %s already counted in its incr's size, left out below)" % ", ".join(span["pgbr_own"]))
    for side, full in (("lifeboat", "Lifeboat full (files)"), ("pgbackrest", "pgBackRest full")):
        a, f = span[side], med.get(full)
        label = "Lifeboat archive" if side == "lifeboat" else "pgBackRest archive"
        if a["present"] == 0 and a["counted"]:
            print("  %-20s none of these %d segments: %s" % (label, a["counted"], a["why"]))
            continue
        print("  %-20s %13d bytes in %d of %d segments%s%s" % (label, a["bytes"], a["present"], a["counted"],
              "" if not a["missing"] else " (not in the archive: %s)" % ", ".join(a["missing"][:4]),
              "; %.1f%% of its full (%d bytes)" % (100 * a["bytes"] / f["size"], f["size"]) if f else ""))
    for label, name, full, side in (("Lifeboat incremental", "Lifeboat incremental", "Lifeboat full (files)", "lifeboat"),
                                    ("pgBackRest incr", "pgBackRest incr", "pgBackRest full", "pgbackrest")):
        i, f, a = med.get(name), med.get(full), span[side]
        if i and f and not a["missing"]:
            print("  %-20s + this WAL: %5.1f%% of its full ((%d + %d) / %d bytes)" % (
                label, 100 * (i["size"] + a["bytes"]) / f["size"], i["size"], a["bytes"], f["size"]))
EOF
