#!/usr/bin/env bash
# ./lifeboat demo: brings up the local DR stack, builds Lifeboat, starts a worker, runs a
# ClusterHealthWorkflow on the cluster `shop` (topology and Web UI link), then takes a full backup
# into the four configured destinations and verifies it.
source "$(dirname "$0")/lib.sh"

bash "$LIFEBOAT_ROOT/scripts/stack.sh" up
bash "$LIFEBOAT_ROOT/scripts/build.sh"
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

echo
echo "== A full backup of shop: pg_basebackup, zstd, AES-256 (a new data key), SHA-256, four destinations =="
CLI=(java -jar "$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar")
backup_out="$("${CLI[@]}" backup full --cluster shop | tee /dev/stderr)" || status=1
backup_id="$(sed -n 's/^Backup \([^ ]*\) of shop.*/\1/p' <<<"$backup_out")"
if [[ -n "$backup_id" ]]; then
  echo
  echo "== Proving it: every object re-read, checked, decrypted and decompressed in every destination =="
  "${CLI[@]}" backup verify "$backup_id" --cluster shop || status=1
fi
echo
echo "The stack keeps running: './lifeboat stack status', './lifeboat stack down' to stop it."
echo "Temporal Web UI: http://127.0.0.1:$TEMPORAL_UI_PORT/namespaces/default/workflows"
exit "$status"
