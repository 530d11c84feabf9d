#!/usr/bin/env bash
# ./lifeboat demo: brings up the local DR stack, builds Lifeboat, starts a worker, runs a
# ClusterHealthWorkflow on the cluster `shop` (topology and Web UI link), then takes a full backup
# into two destinations, applies a write load, takes an incremental on top, verifies both and shows
# the status; then simulates the loss of sydney live (SIGKILL under a write load through PgBouncer),
# lets the monitor fail over to tokyo, measures the RTO and the data lost, and fails back.
source "$(dirname "$0")/lib.sh"

bash "$LIFEBOAT_ROOT/scripts/stack.sh" up
bash "$LIFEBOAT_ROOT/scripts/build.sh"
# The monitor of the demo checks every second (lifeboat.yaml's default is the reference deployment's
# 30 s), so the live failover below is over in seconds. A worker from an earlier run is restarted so
# that it runs this build with this setting.
export LIFEBOAT_HEALTH_INTERVAL="${LIFEBOAT_HEALTH_INTERVAL:-1s}"
bash "$LIFEBOAT_ROOT/scripts/worker.sh" stop >/dev/null 2>&1 || true
bash "$LIFEBOAT_ROOT/scripts/worker.sh" start

# A few writes on the primary, so the probe sees the standby replaying fresh WAL.
PGPASSWORD="$(cat "$LIFEBOAT_STATE/secrets/pg-shop-app")" psql -h 127.0.0.1 -p "$PG_PRIMARY_PORT" \
  -U "$PG_APP_USER" -d "$PG_CLUSTER" -XqAt -c \
  "INSERT INTO searches (user_id, query, source)
     SELECT id, '2 bedroom apartment near Shibuya station under 80m yen', 'web' FROM users ORDER BY id LIMIT 50" >/dev/null ||
  log "demo writes failed; the health check still runs"

echo
echo "== Health of cluster shop, probed from each node's region through Temporal =="
cd "$LIFEBOAT_ROOT"
status=0
java -jar "$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar" health --cluster shop || status=$?

CLI=(java -jar "$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar")
DEST=s3,nas

echo
echo "== Continuous WAL archiving: pg_receivewal on a slot, each closed segment to every destination =="
"${CLI[@]}" archive start --cluster shop || status=1

backup_id_of() { sed -n 's/^Backup \([^ ]*\) (.*) of shop.*/\1/p' <<<"$1"; }

echo
echo "== A full backup of shop: the data directory's files read during pg_backup_start/stop,"
echo "   zstd, AES-256 (a new data key), SHA-256, into S3 (moto) and a NAS folder =="
# Captured, then printed: 'tee /dev/stderr' would reopen a redirected log file and overwrite it.
full_out="$("${CLI[@]}" backup full --cluster shop --source files --destination "$DEST")" || status=1
printf '%s\n' "$full_out"
full_id="$(backup_id_of "$full_out")"

echo
echo "== A write load: 5% of the listings updated, 2,000 new searches =="
PGPASSWORD="$(cat "$LIFEBOAT_STATE/secrets/pg-shop-app")" psql -h 127.0.0.1 -p "$PG_PRIMARY_PORT" \
  -U "$PG_APP_USER" -d "$PG_CLUSTER" -XqAt \
  -c "UPDATE listings SET view_count = view_count + 1 WHERE id % 20 = 0" \
  -c "INSERT INTO searches (user_id, query, source)
        SELECT 1 + (g % (SELECT count(*) FROM users)), 'townhouse with garden, g=' || g, 'ios'
        FROM generate_series(1, 2000) g" >/dev/null || status=1

if [[ -n "$full_id" ]]; then
  echo
  echo "== An incremental on top of it: only the pages changed since $full_id, plus the WAL since =="
  incr_out="$("${CLI[@]}" backup incremental --cluster shop --parent "$full_id" --destination "$DEST")" || status=1
  printf '%s\n' "$incr_out"
  incr_id="$(backup_id_of "$incr_out")"
  for id in "$full_id" $incr_id; do
    echo
    echo "== Proving $id: every object re-read, checked, decrypted and decompressed =="
    "${CLI[@]}" backup verify "$id" --cluster shop --destination "$DEST" || status=1
  done
  if [[ -n "$incr_id" ]]; then
    echo
    "${CLI[@]}" backup show "$incr_id" --cluster shop || status=1
    echo
    echo "== A test restore of $incr_id: its chain laid out from the NAS copy in a scratch directory,"
    echo "   PostgreSQL started and recovered to the backup's end point, row counts and indexes checked,"
    echo "   torn down, and the backup stamped proven restorable =="
    "${CLI[@]}" backup verify "$incr_id" --cluster shop --destination nas --restore || status=1
  fi
fi
echo
echo "== The archive's lag (RPO): WAL on the primary not archived yet, after a segment switch =="
PGPASSWORD="$(cat "$LIFEBOAT_STATE/secrets/pg-shop")" psql -h 127.0.0.1 -p "$PG_PRIMARY_PORT" \
  -U postgres -d "$PG_CLUSTER" -XqAt -c "SELECT pg_switch_wal()" >/dev/null || status=1
for _ in $(seq 1 30); do
  archive_out="$("${CLI[@]}" archive status --cluster shop 2>&1)" || true
  lag="$(sed -n 's/^Archive lag (RPO): \([0-9,]*\) bytes.*/\1/p' <<<"$archive_out" | tr -d ,)"
  # Caught up when less than one segment of WAL waits (the open segment is shipped when it closes).
  [[ -n "$lag" && "$lag" -lt 16777216 ]] && grep -q "^Last segment: [0-9A-F]" <<<"$archive_out" && break
  sleep 2
done
echo "$archive_out"
echo
echo "== Backup status =="
"${CLI[@]}" backup status --cluster shop || true
echo
echo "== Stopping the demo's archiver and dropping its slot (a slot nobody reads keeps WAL forever) =="
"${CLI[@]}" archive stop --cluster shop --drop-slot || status=1

echo
echo "== Disaster simulation, plan: what losing sydney would do, touching nothing =="
"${CLI[@]}" simulate --cluster shop --region sydney --mode plan || status=1

echo
echo "== Live: a client writes through PgBouncer every 100 ms while sydney's postmaster is killed"
echo "   with SIGKILL; the monitor detects it, fails over to tokyo, then Lifeboat fails back =="
APP_PW="$(cat "$LIFEBOAT_STATE/secrets/pg-shop-app")"
PGPASSWORD="$APP_PW" psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$PG_APP_USER" -d "$PG_CLUSTER" -XqAt \
  -c "CREATE TABLE IF NOT EXISTS demo_writes (id bigint PRIMARY KEY, at timestamptz DEFAULT now())" \
  -c "TRUNCATE demo_writes" >/dev/null || status=1
committed="$LIFEBOAT_STATE/demo-committed.txt"
: >"$committed"
(
  i=0
  while [[ ! -f "$committed.stop" ]]; do
    i=$((i + 1))
    if PGPASSWORD="$APP_PW" PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$PG_APP_USER" \
      -d "$PG_CLUSTER" -XqAt -c "INSERT INTO demo_writes (id) VALUES ($i)" >/dev/null 2>&1; then
      echo "$i" >>"$committed"
    fi
    sleep 0.1
  done
) &
writer=$!
rm -f "$committed.stop"
sleep 2
"${CLI[@]}" simulate --cluster shop --region sydney --mode live || status=1
sleep 2
touch "$committed.stop"
wait "$writer" || true
rm -f "$committed.stop"
seen="$(wc -l <"$committed" | tr -d ' ')"
present="$(PGPASSWORD="$APP_PW" psql -h 127.0.0.1 -p "$PGBOUNCER_PORT" -U "$PG_APP_USER" -d "$PG_CLUSTER" \
  -XqAt -c "SELECT count(*) FROM demo_writes WHERE id = ANY ('{$(paste -sd, "$committed")}'::bigint[])")" || status=1
echo "The writer saw $seen inserts committed; $present of them are in the database now" \
  "($((seen - ${present:-0})) lost; shop replicates asynchronously, so the RPO budget allows a little)."
echo
"${CLI[@]}" monitor status --cluster shop || status=1
echo
echo "== Failover history of shop (newest first) =="
"${CLI[@]}" failover history --cluster shop --limit 2 || status=1
"${CLI[@]}" monitor stop --cluster shop || status=1

echo
echo "== The db-failover runbook in practice mode on shop (a drill cluster): stop writes, check the"
echo "   replica's lag, promote tokyo, point PgBouncer at it, verify; a step table with timings =="
"${CLI[@]}" runbook run db-failover --cluster shop --mode practice || status=1
echo
echo "== Failback after the runbook: sydney fenced, rewound with pg_rewind, then switched back =="
"${CLI[@]}" failover failback --cluster shop || status=1

echo
echo "The stack keeps running: './lifeboat stack status', './lifeboat stack down' to stop it."
echo "Temporal Web UI: http://127.0.0.1:$TEMPORAL_UI_PORT/namespaces/default/workflows"
exit "$status"
