#!/usr/bin/env bash
# Runs the Lifeboat worker in the background: worker.sh start | stop | status | logs
source "$(dirname "$0")/lib.sh"

WORKER_JAR="$LIFEBOAT_ROOT/worker/target/lifeboat-worker.jar"
METRICS_PORT="${LIFEBOAT_METRICS_PORT:-9464}"
CONFIG="${LIFEBOAT_CONFIG:-$LIFEBOAT_ROOT/lifeboat.yaml}"

start() {
  if running worker; then
    log "worker already running (pid $(cat "$(pidfile worker)")), metrics http://127.0.0.1:$METRICS_PORT/metrics"
    return 0
  fi
  bash "$LIFEBOAT_ROOT/scripts/build.sh"
  require_free_port "$METRICS_PORT" "the worker's metrics endpoint"
  log "starting worker with $CONFIG; log in $LIFEBOAT_LOGS/worker.log"
  (cd "$LIFEBOAT_ROOT" && LIFEBOAT_METRICS_PORT="$METRICS_PORT" spawn worker java -jar "$WORKER_JAR" "$CONFIG")
  local deadline=$((SECONDS + 60))
  until curl -sf -o /dev/null "http://127.0.0.1:$METRICS_PORT/metrics"; do
    if ! running worker; then
      tail -n 20 "$LIFEBOAT_LOGS/worker.log" >&2
      die "the worker exited during start; see $LIFEBOAT_LOGS/worker.log"
    fi
    ((SECONDS < deadline)) || die "the worker did not serve metrics within 60s; see $LIFEBOAT_LOGS/worker.log"
    sleep 0.3
  done
  log "worker running (pid $(cat "$(pidfile worker)")), metrics http://127.0.0.1:$METRICS_PORT/metrics"
}

case "${1:-}" in
  start) start ;;
  stop) stop_pidfile worker && log "worker stopped" ;;
  status) if running worker; then echo "worker running, pid $(cat "$(pidfile worker)")"; else echo "worker not running"; exit 1; fi ;;
  logs) tail -n "${2:-100}" "$LIFEBOAT_LOGS/worker.log" ;;
  *) echo "usage: lifeboat worker start | stop | status | logs [N]" >&2; exit 2 ;;
esac
