#!/usr/bin/env bash
# Lifeboat compose demo: first-start setup of pg-sydney, the primary of the `shop` cluster.
#
# The postgres image runs (or sources, when it is not executable) every *.sh in
# /docker-entrypoint-initdb.d once, when the data directory is empty, while a temporary
# server listens on the Unix socket only. This script:
#   - creates the replication role ($REPLICATION_USER, LOGIN REPLICATION, password auth),
#   - creates the physical replication slot ($REPLICATION_SLOT) that pg-tokyo streams from,
#     reserving WAL at once so nothing is recycled before the standby connects,
#   - allows password-authenticated replication connections from the compose network
#     (pg_basebackup/pg_receivewal from pg-tokyo and from the Lifeboat worker).
# Both statements are idempotent. No `set -u`: when sourced it would leak into the image's
# entrypoint, which reads unset variables.
set -Eeo pipefail

REPLICATION_USER="${REPLICATION_USER:-replicator}"
REPLICATION_SLOT="${REPLICATION_SLOT:-tokyo_standby}"
if [ -z "${REPLICATION_PASSWORD:-}" ]; then
  echo "pg-primary-init: REPLICATION_PASSWORD is not set" >&2
  exit 1
fi

psql -v ON_ERROR_STOP=1 --no-psqlrc \
  --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  -v repl_user="$REPLICATION_USER" \
  -v repl_password="$REPLICATION_PASSWORD" \
  -v repl_slot="$REPLICATION_SLOT" <<'SQL'
SELECT format('CREATE ROLE %I WITH LOGIN REPLICATION PASSWORD %L', :'repl_user', :'repl_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'repl_user')
\gexec
SELECT pg_create_physical_replication_slot(:'repl_slot', true)
 WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = :'repl_slot');
SQL

# The image already appended `host all all all scram-sha-256`; "all" does not match
# replication connections, which need their own line. The server reads pg_hba.conf when
# the entrypoint restarts it after the init scripts.
if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+all[[:space:]]' "$PGDATA/pg_hba.conf"; then
  printf '\n# Lifeboat: streaming replication and base backups over the compose network\nhost replication all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
fi

echo "pg-primary-init: role ${REPLICATION_USER} and slot ${REPLICATION_SLOT} ready"
