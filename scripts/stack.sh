#!/usr/bin/env bash
# The local DR stack on 127.0.0.1: Temporal (with Web UI), the PostgreSQL cluster `shop`
# (primary sydney + streaming standby tokyo), PgBouncer, Redis and three object-store emulators.
# Usage: stack.sh up | down [--purge] | status | load [--scale N] | start|stop SERVICE
source "$(dirname "$0")/lib.sh"

BIN="$LIFEBOAT_TOOLS/bin"
VENV="$LIFEBOAT_TOOLS/venv"
SECRETS="$LIFEBOAT_STATE/secrets"
SERVICES=(temporal pg-sydney pg-tokyo pgbouncer redis moto fake-gcs azurite)
DEMO_SCALE="${LIFEBOAT_SCALE:-0.01}"

# ---------------------------------------------------------------------------------------------
# secrets: generated once, kept in .tools/state/secrets (0600), read by the worker by name.

secret() {
  local name="$1" file="$SECRETS/$1"
  if [[ ! -s "$file" ]]; then
    mkdir -p "$SECRETS"
    chmod 700 "$SECRETS"
    (umask 077 && head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$file")
  fi
  cat "$file"
}

# The emulators' credentials are public test values; they are written as secrets so that the
# worker resolves them exactly as it would resolve real cloud credentials.
write_emulator_secrets() {
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  (umask 077 && echo "test:test" >"$SECRETS/aws-demo")
  (umask 077 && echo "devstoreaccount1:Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==" >"$SECRETS/azure-demo")
}

# ---------------------------------------------------------------------------------------------
# Temporal

temporal_cli() { "$BIN/temporal" --address "127.0.0.1:$TEMPORAL_PORT" "$@"; }

start_temporal() {
  if running temporal; then
    log "temporal already running (pid $(cat "$(pidfile temporal)"))"
    return 0
  fi
  [[ -x "$BIN/temporal" ]] || die "the temporal CLI is not installed; run scripts/install.sh"
  require_free_port "$TEMPORAL_PORT" "Temporal gRPC"
  require_free_port "$TEMPORAL_UI_PORT" "Temporal Web UI"
  mkdir -p "$LIFEBOAT_STATE/temporal"
  log "starting Temporal on 127.0.0.1:$TEMPORAL_PORT (UI http://127.0.0.1:$TEMPORAL_UI_PORT)"
  spawn temporal "$BIN/temporal" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --ui-port "$TEMPORAL_UI_PORT" \
    --db-filename "$LIFEBOAT_STATE/temporal/temporal.db" --namespace default \
    --log-level warn
  wait_for_port "$TEMPORAL_PORT" temporal 90
  local deadline=$((SECONDS + 60))
  until temporal_cli operator cluster health >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "Temporal did not become healthy; see $LIFEBOAT_LOGS/temporal.log"
    sleep 0.5
  done
  register_search_attributes
}

# The start-dev flag only applies them when the namespace is created, so register on every start.
register_search_attributes() {
  local existing
  existing="$(temporal_cli operator search-attribute list --namespace default 2>/dev/null || true)"
  for attr in DrCluster DrKind DrRegion DrOutcome; do
    if ! grep -qw "$attr" <<<"$existing"; then
      temporal_cli operator search-attribute create --namespace default --name "$attr" --type Keyword \
        --yes >/dev/null 2>&1 || temporal_cli operator search-attribute create --namespace default \
        --name "$attr" --type Keyword >/dev/null
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL: primary sydney, streaming standby tokyo, run as the postgres system user.

PGBIN=""
PGSTATE=""
pg_setup_paths() {
  PGBIN="$(pg_bindir)" || die "PostgreSQL server binaries are missing; run scripts/install.sh"
  PGSTATE="$(pg_state_dir)"
  mkdir -p "$PGSTATE"
  if [[ "$(id -u)" == "0" ]]; then chown postgres: "$PGSTATE"; fi
  chmod 700 "$PGSTATE"
}

pg_port_of() { [[ "$1" == sydney ]] && echo "$PG_PRIMARY_PORT" || echo "$PG_STANDBY_PORT"; }

psql_node() {
  local port="$1"
  shift
  PGPASSWORD="$(secret pg-shop)" "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U "$PG_SUPERUSER" \
    -X -q -v ON_ERROR_STOP=1 "$@"
}

# The settings Lifeboat owns, written while the server is stopped (never edited while it runs).
write_node_conf() {
  local node="$1" port="$2" dir="$PGSTATE/$1"
  as_pg tee "$dir/lifeboat.conf" >/dev/null <<EOF
# Written by scripts/stack.sh for node $node of cluster $PG_CLUSTER.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$PGSTATE'
cluster_name = '$PG_CLUSTER-$node'
wal_level = replica
wal_log_hints = on
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
hot_standby_feedback = on
# Avoids a 5 s stall when promotion lands just as the standby notices the primary is gone.
wal_retrieve_retry_interval = 200ms
wal_keep_size = 256MB
# The api-degradation runbook finds slow queries with pg_stat_statements.
shared_preload_libraries = 'pg_stat_statements'
shared_buffers = 128MB
logging_collector = off
log_line_prefix = '%m [%p] $node '
EOF
  if ! grep -q "^include_if_exists = 'lifeboat.conf'" "$dir/postgresql.conf"; then
    echo "include_if_exists = 'lifeboat.conf'" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
  fi
}

pg_running() {
  local dir="$PGSTATE/$1"
  [[ -f "$dir/postmaster.pid" ]] && as_pg "$PGBIN/pg_ctl" -D "$dir" status >/dev/null 2>&1
}

pg_start() {
  local node="$1" port dir="$PGSTATE/$1"
  port="$(pg_port_of "$node")"
  require_free_port "$port" "PostgreSQL node $node"
  if pg_ctl_start "$PGBIN" "$dir" "$PGSTATE/$node.log" "PostgreSQL node $node"; then
    head -n1 "$dir/postmaster.pid" >"$(pidfile "pg-$node")"
    return 0
  fi
  die "PostgreSQL node $node did not start; see $PGSTATE/$node.log"
}

init_primary() {
  local dir="$PGSTATE/sydney" pwfile="$PGSTATE/.pwfile"
  log "initdb primary sydney (data checksums) in $dir"
  secret pg-shop | as_pg tee "$pwfile" >/dev/null
  as_pg "$PGBIN/initdb" -D "$dir" --data-checksums -U "$PG_SUPERUSER" --pwfile="$pwfile" \
    --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PGSTATE/initdb.log" 2>&1 ||
    die "initdb failed; see $PGSTATE/initdb.log"
  rm -f "$pwfile"
  # The standby streams as replicator; base backups (pg_basebackup) connect as the superuser.
  printf 'host replication %s 127.0.0.1/32 scram-sha-256\nhost replication %s 127.0.0.1/32 scram-sha-256\n' \
    "$PG_REPL_USER" "$PG_SUPERUSER" | as_pg tee -a "$dir/pg_hba.conf" >/dev/null
  write_node_conf sydney "$PG_PRIMARY_PORT"
  pg_start sydney
  psql_node "$PG_PRIMARY_PORT" -d postgres -o /dev/null <<EOF
CREATE ROLE $PG_REPL_USER WITH REPLICATION LOGIN PASSWORD '$(secret pg-replicator)';
CREATE ROLE $PG_APP_USER WITH LOGIN PASSWORD '$(secret pg-shop-app)';
CREATE DATABASE $PG_CLUSTER OWNER $PG_APP_USER;
SELECT pg_create_physical_replication_slot('$PG_SLOT');
EOF
  psql_node "$PG_PRIMARY_PORT" -d "$PG_CLUSTER" -c "CREATE EXTENSION IF NOT EXISTS amcheck;" \
    -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;"
}

init_standby() {
  local dir="$PGSTATE/tokyo" passfile="$PGSTATE/.pgpass"
  log "pg_basebackup standby tokyo from sydney (slot $PG_SLOT)"
  echo "127.0.0.1:$PG_PRIMARY_PORT:*:$PG_REPL_USER:$(secret pg-replicator)" | as_pg tee "$passfile" >/dev/null
  as_pg chmod 600 "$passfile"
  as_pg "$PGBIN/pg_basebackup" -D "$dir" -R -S "$PG_SLOT" -X stream -c fast \
    -d "host=127.0.0.1 port=$PG_PRIMARY_PORT user=$PG_REPL_USER application_name=tokyo passfile=$passfile" \
    >"$PGSTATE/basebackup.log" 2>&1 || die "pg_basebackup failed; see $PGSTATE/basebackup.log"
  write_node_conf tokyo "$PG_STANDBY_PORT"
  pg_start tokyo
}

start_postgres() {
  pg_setup_paths
  if [[ ! -f "$PGSTATE/sydney/PG_VERSION" ]]; then
    init_primary
  elif pg_running sydney; then
    log "pg-sydney already running (pid $(head -n1 "$PGSTATE/sydney/postmaster.pid"))"
    head -n1 "$PGSTATE/sydney/postmaster.pid" >"$(pidfile pg-sydney)"
  else
    pg_start sydney
  fi
  if [[ ! -f "$PGSTATE/tokyo/PG_VERSION" ]]; then
    init_standby
  elif pg_running tokyo; then
    log "pg-tokyo already running (pid $(head -n1 "$PGSTATE/tokyo/postmaster.pid"))"
    head -n1 "$PGSTATE/tokyo/postmaster.pid" >"$(pidfile pg-tokyo)"
  else
    pg_start tokyo
  fi
  if [[ "$(psql_node "$PG_PRIMARY_PORT" -d "$PG_CLUSTER" -Atc "SELECT to_regclass('public.users') IS NULL")" == "t" ]]; then
    load_shop "$DEMO_SCALE"
  fi
}

load_shop() {
  local scale="$1"
  [[ "$scale" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale '$scale' is not a positive number such as 0.01 or 1"
  pg_setup_paths
  local started=$SECONDS
  log "loading the six core tables into $PG_CLUSTER at scale $scale"
  PGPASSWORD="$(secret pg-shop-app)" "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U "$PG_APP_USER" \
    -d "$PG_CLUSTER" -X -q -v ON_ERROR_STOP=1 -v scale="$scale" \
    -f "$LIFEBOAT_ROOT/scripts/sql/shop-schema.sql" -f "$LIFEBOAT_ROOT/scripts/sql/shop-load.sql" >/dev/null ||
    die "loading $PG_CLUSTER failed"
  log "loaded in $((SECONDS - started))s: $(psql_node "$PG_PRIMARY_PORT" -d "$PG_CLUSTER" -Atc \
    "SELECT (SELECT count(*) FROM users)+(SELECT count(*) FROM properties)+(SELECT count(*) FROM listings)
           +(SELECT count(*) FROM searches)+(SELECT count(*) FROM transactions)+(SELECT count(*) FROM alerts)") rows"
}

stop_postgres() {
  pg_setup_paths
  for node in tokyo sydney; do
    if [[ -f "$(pidfile "pg-$node")" ]]; then
      if pg_running "$node"; then
        as_pg "$PGBIN/pg_ctl" -D "$PGSTATE/$node" -m fast -w -t 60 stop >/dev/null || true
      fi
      stop_pidfile "pg-$node"
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# PgBouncer: the application's endpoint for the shop database, pointing at the primary.

start_pgbouncer() {
  if running pgbouncer; then
    log "pgbouncer already running (pid $(cat "$(pidfile pgbouncer)"))"
    return 0
  fi
  command -v pgbouncer >/dev/null || [[ -x /usr/sbin/pgbouncer ]] || die "pgbouncer is missing; run scripts/install.sh"
  require_free_port "$PGBOUNCER_PORT" "PgBouncer"
  pg_setup_paths
  local dir="$PGSTATE/pgbouncer"
  as_pg mkdir -p "$dir"
  printf '"%s" "%s"\n"%s" "%s"\n' "$PG_APP_USER" "$(secret pg-shop-app)" lifeboat "$(secret pgbouncer-admin)" |
    as_pg tee "$dir/userlist.txt" >/dev/null
  as_pg chmod 600 "$dir/userlist.txt"
  # Only [databases] changes at a failover; Lifeboat rewrites this file and sends RELOAD.
  as_pg tee "$dir/pgbouncer.ini" >/dev/null <<EOF
;; Written by scripts/stack.sh. The [databases] entry follows the current primary.
[databases]
$PG_CLUSTER = host=127.0.0.1 port=$PG_PRIMARY_PORT dbname=$PG_CLUSTER

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
admin_users = lifeboat
pool_mode = transaction
max_client_conn = 200
default_pool_size = 20
; JDBC clients (and Lifeboat's admin connection) send extra_float_digits at login.
ignore_startup_parameters = extra_float_digits
; The default of 15 s turns a 3 s failover into 15 s of refused queries.
server_login_retry = 1
logfile = $dir/pgbouncer.log
EOF
  log "PgBouncer will forward to the primary on :$PG_PRIMARY_PORT"
  start_simple pgbouncer "$PGBOUNCER_PORT" \
    runuser -u postgres -- "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" "$dir/pgbouncer.ini"
}

# ---------------------------------------------------------------------------------------------
# Redis and the object-store emulators.

start_simple() {
  local name="$1" port="$2"
  shift 2
  if running "$name"; then
    log "$name already running (pid $(cat "$(pidfile "$name")"))"
    return 0
  fi
  require_free_port "$port" "$name"
  log "starting $name on 127.0.0.1:$port"
  # Our ports lie in Linux's ephemeral range (32768-60999), so an outgoing connection of any
  # process can hold one for a moment, and a server that binds then fails with "address in use"
  # although nothing listens there. Such a start is retried a few times; anything else is an error.
  local attempt logged
  for attempt in 1 2 3; do
    logged="$(stat -c %s "$LIFEBOAT_LOGS/$name.log" 2>/dev/null || echo 0)"
    spawn "$name" "$@"
    local deadline=$((SECONDS + 5))
    while ((SECONDS < deadline)) && running "$name" && ! port_in_use "$port"; do
      sleep 0.2
    done
    if running "$name" || ! tail -c +"$((logged + 1))" "$LIFEBOAT_LOGS/$name.log" | grep -qi "in use" ||
      ((attempt == 3)); then
      break
    fi
    log "$name could not bind 127.0.0.1:$port (briefly taken by an outgoing connection?); retrying"
    rm -f "$(pidfile "$name")"
    sleep 1
  done
  wait_for_port "$port" "$name" 60
}

start_redis() {
  mkdir -p "$LIFEBOAT_STATE/redis"
  command -v redis-server >/dev/null || die "redis-server is missing; run scripts/install.sh"
  start_simple redis "$REDIS_PORT" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$LIFEBOAT_STATE/redis" --save "" --appendonly no --daemonize no
}

start_moto() {
  [[ -x "$VENV/bin/moto_server" ]] || die "moto is missing; run scripts/install.sh"
  start_simple moto "$MOTO_PORT" "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT"
}

start_fake_gcs() {
  [[ -x "$BIN/fake-gcs-server" ]] || die "fake-gcs-server is missing; run scripts/install.sh"
  start_simple fake-gcs "$FAKE_GCS_PORT" "$BIN/fake-gcs-server" -scheme http -host 127.0.0.1 \
    -port "$FAKE_GCS_PORT" -backend memory -external-url "http://127.0.0.1:$FAKE_GCS_PORT"
}

start_azurite() {
  local azurite="$LIFEBOAT_TOOLS/npm/node_modules/.bin/azurite-blob"
  [[ -x "$azurite" ]] || die "Azurite is missing; run scripts/install.sh"
  mkdir -p "$LIFEBOAT_STATE/azurite"
  # In-memory: the blob data lives only as long as the process, like the other emulators. Run it
  # from its state folder so anything it writes lands there.
  (cd "$LIFEBOAT_STATE/azurite" && start_simple azurite "$AZURITE_PORT" "$azurite" --blobHost 127.0.0.1 \
    --blobPort "$AZURITE_PORT" --disableTelemetry --skipApiVersionCheck --inMemoryPersistence)
}

# ---------------------------------------------------------------------------------------------
# status: one line per service.

http_ok() { curl -s -o /dev/null -m 3 "$1"; }

status_line() {
  local name="$1" address="$2" healthy="$3" detail="${4:-}" pid="-"
  [[ -f "$(pidfile "$name")" ]] && pid="$(cat "$(pidfile "$name")")"
  running "$name" || pid="-"
  printf '%-10s %-22s pid %-8s %-9s %s\n' "$name" "$address" "$pid" "$healthy" "$detail"
}

health_word() { if "$@" >/dev/null 2>&1; then echo healthy; else echo DOWN; fi; }

pg_status() {
  local node="$1" port
  port="$(pg_port_of "$node")"
  local row
  if row="$(psql_node "$port" -d postgres -Atc "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null)"; then
    local detail="role $row"
    if [[ "$row" == standby ]]; then
      local lag
      lag="$(psql_node "$PG_PRIMARY_PORT" -d postgres -Atc \
        "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint || ' bytes, ' ||
                coalesce(round(extract(epoch FROM replay_lag)::numeric, 3), 0) || ' s'
           FROM pg_stat_replication WHERE application_name = '$node'" 2>/dev/null || true)"
      detail="$detail, replication lag ${lag:-unknown (not streaming)}"
    fi
    status_line "pg-$node" "127.0.0.1:$port" healthy "$detail"
  else
    status_line "pg-$node" "127.0.0.1:$port" DOWN
  fi
}

status() {
  pg_setup_paths
  status_line temporal "127.0.0.1:$TEMPORAL_PORT" "$(health_word temporal_cli operator cluster health)" \
    "Web UI http://127.0.0.1:$TEMPORAL_UI_PORT"
  pg_status sydney
  pg_status tokyo
  status_line pgbouncer "127.0.0.1:$PGBOUNCER_PORT" "$(health_word env PGPASSWORD="$(secret pg-shop-app)" \
    "$PGBIN/psql" -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$PG_APP_USER" -d "$PG_CLUSTER" -XAtc 'SELECT 1')" \
    "-> primary database $PG_CLUSTER"
  status_line redis "127.0.0.1:$REDIS_PORT" "$(health_word redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping)"
  status_line moto "127.0.0.1:$MOTO_PORT" "$(health_word http_ok "http://127.0.0.1:$MOTO_PORT/moto-api/")" "S3, Route53, KMS"
  status_line fake-gcs "127.0.0.1:$FAKE_GCS_PORT" "$(health_word http_ok "http://127.0.0.1:$FAKE_GCS_PORT/storage/v1/b")" "Google Cloud Storage"
  status_line azurite "127.0.0.1:$AZURITE_PORT" "$(health_word http_ok "http://127.0.0.1:$AZURITE_PORT/devstoreaccount1?comp=list")" "Azure Blob"
}

# True when every service answers; used by the demo and the tests.
all_healthy() {
  local report
  report="$(status)"
  ! grep -q ' DOWN ' <<<"$report"
}

up() {
  bash "$LIFEBOAT_ROOT/scripts/install.sh"
  reserve_local_ports
  write_emulator_secrets
  start_temporal
  start_postgres
  start_pgbouncer
  start_redis
  start_moto
  start_fake_gcs
  start_azurite
  status
  all_healthy || die "some services are not healthy; see the logs in $LIFEBOAT_LOGS"
}

down() {
  local purge="${1:-}"
  for name in worker azurite fake-gcs moto redis pgbouncer; do
    stop_pidfile "$name"
  done
  stop_postgres
  stop_pidfile temporal
  log "stack stopped"
  if [[ "$purge" == "--purge" ]]; then
    pg_setup_paths
    rm -rf "$PGSTATE" "$LIFEBOAT_STATE"
    log "state removed"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down "${2:-}" ;;
  status) status ;;
  healthy) all_healthy ;;
  start | stop | kill)
    # One service at a time, for failure tests: stack.sh stop moto; stack.sh start moto. kill is
    # SIGKILL of the service's process group, as a crash would end it.
    case "${2:-}" in
      temporal | redis | moto | fake-gcs | azurite | pgbouncer)
        case "$1" in
          stop) stop_pidfile "$2" ;;
          kill) kill_pidfile "$2" ;;
          *) "start_${2//-/_}" ;;
        esac
        ;;
      *) die "'stack.sh $1' takes one of: temporal, redis, moto, fake-gcs, azurite, pgbouncer" ;;
    esac
    ;;
  load)
    scale="$DEMO_SCALE"
    if [[ "${2:-}" == "--scale" ]]; then scale="${3:?--scale needs a value such as 0.01 or 1}"; fi
    load_shop "$scale"
    ;;
  *)
    echo "usage: lifeboat stack up | down [--purge] | status | load [--scale N] | start|stop|kill SERVICE" >&2
    exit 2
    ;;
esac
