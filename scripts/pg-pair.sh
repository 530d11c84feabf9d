#!/usr/bin/env bash
# A throwaway PostgreSQL pair for failover tests and drills: primary "east" and streaming standby
# "west" of cluster NAME, each with its own data directory, plus a PgBouncer in front of the
# primary. Nothing of the demo stack's cluster `shop` is touched.
#
# Usage: pg-pair.sh up NAME EAST_PORT WEST_PORT BOUNCER_PORT [--sync]
#        pg-pair.sh down NAME
#        pg-pair.sh crash|start|stall|resume|running NAME NODE
# The node faults, for tests: crash (SIGKILL of the postmaster), start (as an init system would,
# with whatever configuration the node has), stall (SIGSTOP of the postmaster and its children),
# resume (SIGCONT), running (prints "running" or "stopped").
# `up` prints the state folder; its data directories are <folder>/east and <folder>/west, the
# PgBouncer file <folder>/pgbouncer.ini. Passwords are the stack's secrets pg-shop (postgres),
# pg-replicator (replicator), pg-shop-app (app user "shop") and pgbouncer-admin.
source "$(dirname "$0")/lib.sh"

SECRETS="$LIFEBOAT_STATE/secrets"
secret_of() { cat "$SECRETS/$1"; }

pair_dir() { echo "$LIFEBOAT_PG_STATE/pair-$1"; }

node_conf() {
  local dir="$1" name="$2" port="$3" sock="$4"
  as_pg tee "$dir/lifeboat.conf" >/dev/null <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
cluster_name = 'pair-$name'
wal_level = replica
wal_log_hints = on
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_retrieve_retry_interval = 200ms
wal_keep_size = 128MB
shared_buffers = 32MB
logging_collector = off
CONF
  grep -q "^include_if_exists = 'lifeboat.conf'" "$dir/postgresql.conf" ||
    echo "include_if_exists = 'lifeboat.conf'" | as_pg tee -a "$dir/postgresql.conf" >/dev/null
}

up() {
  local name="$1" east_port="$2" west_port="$3" bouncer_port="$4" sync="${5:-}"
  [[ -n "$bouncer_port" ]] || die "usage: pg-pair.sh up NAME EAST_PORT WEST_PORT BOUNCER_PORT [--sync]"
  local bin dir
  bin="$(pg_bindir)" || die "PostgreSQL server binaries are missing; run scripts/install.sh"
  dir="$(pair_dir "$name")"
  [[ -e "$dir" ]] && die "pair $name exists in $dir; run pg-pair.sh down $name first"
  for p in "$east_port" "$west_port" "$bouncer_port"; do require_free_port "$p" "pair $name"; done
  [[ -s "$SECRETS/pg-shop" ]] || die "the stack's secrets are missing; run ./lifeboat stack up first"
  mkdir -p "$dir"
  [[ "$(id -u)" == "0" ]] && chown postgres: "$dir"
  local pwfile="$dir/.pw"
  secret_of pg-shop | as_pg tee "$pwfile" >/dev/null
  as_pg "$bin/initdb" -D "$dir/east" --data-checksums -U postgres --pwfile="$pwfile" \
    --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    die "initdb failed; see $dir/initdb.log"
  as_pg rm -f "$pwfile"
  printf 'host replication replicator 127.0.0.1/32 scram-sha-256\nhost replication postgres 127.0.0.1/32 scram-sha-256\n' |
    as_pg tee -a "$dir/east/pg_hba.conf" >/dev/null
  node_conf "$dir/east" east "$east_port" "$dir"
  pg_ctl_start "$bin" "$dir/east" "$dir/east.log" "pair $name east" ||
    die "east did not start: $(tail -n 5 "$dir/east.log" | tr "\n" " ")"
  as_pg "$bin/psql" -h "$dir" -p "$east_port" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '$(secret_of pg-replicator)';
CREATE ROLE shop WITH LOGIN PASSWORD '$(secret_of pg-shop-app)';
CREATE DATABASE shop OWNER shop;
SELECT pg_create_physical_replication_slot('lifeboat_west');
SQL

  local passfile="$dir/west.pgpass"
  echo "*:*:*:replicator:$(secret_of pg-replicator)" | as_pg tee "$passfile" >/dev/null
  as_pg chmod 600 "$passfile"
  as_pg "$bin/pg_basebackup" -D "$dir/west" -R -S lifeboat_west -X stream -c fast \
    -d "host=127.0.0.1 port=$east_port user=replicator application_name=west passfile=$passfile" \
    >"$dir/basebackup.log" 2>&1 || die "pg_basebackup failed; see $dir/basebackup.log"
  node_conf "$dir/west" west "$west_port" "$dir"
  pg_ctl_start "$bin" "$dir/west" "$dir/west.log" "pair $name west" ||
    die "west did not start: $(tail -n 5 "$dir/west.log" | tr "\n" " ")"
  if [[ "$sync" == "--sync" ]]; then
    as_pg "$bin/psql" -h "$dir" -p "$east_port" -U postgres -d postgres -X -q \
      -c "ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (\"west\")'" -c "SELECT pg_reload_conf()" >/dev/null
  fi
  printf '"shop" "%s"\n"lifeboat" "%s"\n' "$(secret_of pg-shop-app)" "$(secret_of pgbouncer-admin)" |
    as_pg tee "$dir/userlist.txt" >/dev/null
  as_pg chmod 600 "$dir/userlist.txt"
  as_pg tee "$dir/pgbouncer.ini" >/dev/null <<INI
[databases]
shop = host=127.0.0.1 port=$east_port dbname=shop

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
admin_users = lifeboat
pool_mode = transaction
ignore_startup_parameters = extra_float_digits
server_login_retry = 1
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
  as_pg "$(command -v pgbouncer || echo /usr/sbin/pgbouncer)" -d "$dir/pgbouncer.ini" ||
    die "pgbouncer did not start; see $dir/pgbouncer.log"
  wait_for_port "$bouncer_port" "pair $name pgbouncer" 30
  echo "$dir"
}

down() {
  local name="$1" bin dir
  bin="$(pg_bindir)" || true
  dir="$(pair_dir "$name")"
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/pgbouncer.pid" ]]; then
    kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
  fi
  for node in east west; do
    if [[ -f "$dir/$node/postmaster.pid" ]]; then
      signal_node "$name" "$node" CONT
      as_pg "$bin/pg_ctl" -D "$dir/$node" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
        kill -9 "$(head -n1 "$dir/$node/postmaster.pid")" 2>/dev/null || true
    fi
  done
  rm -rf "$dir"
}

postmaster_of() {
  local file
  file="$(pair_dir "$1")/$2/postmaster.pid"
  [[ -f "$file" ]] && head -n1 "$file"
}

# Whether the node's postmaster lives (a zombie or a missing process does not).
node_running() {
  local pid state
  pid="$(postmaster_of "$1" "$2")" || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/.*\) (.).*/\1/' "/proc/$pid/stat")"
  [[ "$state" != Z && "$state" != X ]]
}

signal_node() {
  local name="$1" node="$2" signal="$3" pid
  pid="$(postmaster_of "$name" "$node")" || return 0
  pkill "-$signal" -P "$pid" 2>/dev/null || true
  kill "-$signal" "$pid" 2>/dev/null || true
}

# SIGKILL of the postmaster and its children, as a crash of the host would end them; returns once
# none of them is left, not even as a zombie (PostgreSQL's lock file check takes a zombie for a
# running postmaster), so the node can be started again at once.
crash_node() {
  local pid kids p
  pid="$(postmaster_of "$1" "$2")" || return 0
  kids="$(pgrep -P "$pid" || true)"
  # shellcheck disable=SC2086
  kill -KILL "$pid" $kids 2>/dev/null || true
  for _ in $(seq 1 100); do
    local alive=0
    for p in $pid $kids; do
      [[ -e "/proc/$p" ]] && alive=1
    done
    [[ "$alive" == 0 ]] && return 0
    sleep 0.1
  done
  log "node $2 of pair $1: a process is still not reaped 10 s after SIGKILL"
}

node_action() {
  local action="$1" name="$2" node="$3" dir
  [[ "$node" == east || "$node" == west ]] || die "usage: pg-pair.sh $action NAME east|west"
  dir="$(pair_dir "$name")"
  [[ -d "$dir" ]] || die "pair $name does not exist"
  case "$action" in
    crash) crash_node "$name" "$node" ;;
    stall) signal_node "$name" "$node" STOP ;;
    resume) signal_node "$name" "$node" CONT ;;
    start)
      node_running "$name" "$node" && return 0
      # A killed postmaster lingers as a zombie for a moment; PostgreSQL's lock file check takes
      # it for a running server.
      local pid
      pid="$(postmaster_of "$name" "$node")" || true
      for _ in $(seq 1 100); do
        [[ -n "$pid" && -e "/proc/$pid" ]] || break
        sleep 0.1
      done
      pg_ctl_start "$(pg_bindir)" "$dir/$node" "$dir/$node.log" "pair $name $node" ||
        die "$node did not start: $(tail -n 5 "$dir/$node.log" | tr "\n" " ")" ;;
    running) if node_running "$name" "$node"; then echo running; else echo stopped; fi ;;
  esac
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) shift; down "$@" ;;
  crash|start|stall|resume|running) node_action "$@" ;;
  *) echo "usage: pg-pair.sh up NAME EAST_PORT WEST_PORT BOUNCER_PORT [--sync] | down NAME | crash|start|stall|resume|running NAME NODE" >&2; exit 2 ;;
esac
