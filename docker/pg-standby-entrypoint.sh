#!/usr/bin/env bash
# Lifeboat compose demo: entrypoint of pg-tokyo, the streaming standby of the `shop` cluster.
#
# On first start (no $PGDATA/PG_VERSION) it clones the primary with
#   pg_basebackup -R -S $REPLICATION_SLOT -X stream -d "... application_name=$STANDBY_NAME"
# into a sibling folder and renames it into place only when the copy is complete, so a
# container killed half-way starts over instead of running a broken copy. -R writes
# standby.signal, primary_conninfo and primary_slot_name. Afterwards it execs postgres with
# the arguments it was given (the compose `command`), so postgres is PID 1 and gets the
# stop signal. A data directory that already exists is started as it is: after a failover
# it may hold a promoted primary, and it is never overwritten.
# $PGDATA must be a folder INSIDE the volume (default /var/lib/postgresql/data/pgdata), not
# the mount point itself, so that the finished copy can be renamed into place.
set -Eeuo pipefail

export PGDATA="${PGDATA:-/var/lib/postgresql/data/pgdata}"
PRIMARY_HOST="${PRIMARY_HOST:-pg-sydney}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICATION_USER="${REPLICATION_USER:-replicator}"
REPLICATION_SLOT="${REPLICATION_SLOT:-tokyo_standby}"
STANDBY_NAME="${STANDBY_NAME:-tokyo}"
PRIMARY_WAIT_SECONDS="${PRIMARY_WAIT_SECONDS:-180}"

log() { printf '%s pg-standby-entrypoint: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# PostgreSQL refuses to run as root: fix ownership, then run this script again as postgres.
if [ "$(id -u)" = 0 ]; then
  parent="$(dirname "$PGDATA")"
  mkdir -p "$parent"
  chown postgres:postgres "$parent"
  if [ -d "$PGDATA" ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
    chmod 0700 "$PGDATA"
  fi
  exec gosu postgres bash "${BASH_SOURCE[0]}" "$@"
fi

[ -n "${REPLICATION_PASSWORD:-}" ] || die "REPLICATION_PASSWORD is not set"

# The walreceiver and pg_basebackup both find the password here (the volume keeps the data
# directory, not the home folder, so this is rewritten on every start).
escape_pgpass() {
  local value="${1//\\/\\\\}"
  printf '%s' "${value//:/\\:}"
}
export PGPASSFILE="${PGPASSFILE:-$HOME/.pgpass}"
(
  umask 077
  printf '%s:%s:*:%s:%s\n' "$(escape_pgpass "$PRIMARY_HOST")" "$PRIMARY_PORT" \
    "$(escape_pgpass "$REPLICATION_USER")" "$(escape_pgpass "$REPLICATION_PASSWORD")" >"$PGPASSFILE"
)

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -d "$PGDATA" ] && [ -n "$(ls -A "$PGDATA")" ]; then
    die "$PGDATA is not empty but holds no PG_VERSION; move it away or remove the volume (docker compose down -v)"
  fi

  conninfo="host=$PRIMARY_HOST port=$PRIMARY_PORT user=$REPLICATION_USER application_name=$STANDBY_NAME"
  log "waiting up to ${PRIMARY_WAIT_SECONDS}s for the primary at $PRIMARY_HOST:$PRIMARY_PORT"
  waited=0
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$REPLICATION_USER" -d postgres; do
    [ "$waited" -lt "$PRIMARY_WAIT_SECONDS" ] || die "the primary $PRIMARY_HOST:$PRIMARY_PORT did not accept connections"
    sleep 2
    waited=$((waited + 2))
  done

  partial="${PGDATA}.partial"
  rm -rf "$partial"
  log "cloning $PRIMARY_HOST:$PRIMARY_PORT with pg_basebackup (slot $REPLICATION_SLOT, application_name $STANDBY_NAME)"
  pg_basebackup -D "$partial" -R -S "$REPLICATION_SLOT" -X stream -c fast -d "$conninfo"
  chmod 0700 "$partial"
  if [ -d "$PGDATA" ]; then
    rmdir "$PGDATA"
  fi
  mv "$partial" "$PGDATA"
  log "base backup complete; starting as a streaming standby"
fi

if [ "${1:-}" = postgres ]; then
  shift
fi
exec postgres "$@"
