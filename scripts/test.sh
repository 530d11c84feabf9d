#!/usr/bin/env bash
# ./lifeboat test: every test. Installs and starts the local stack, runs the unit tests, the
# formatting and architecture checks and the integration tests against the real stack.
# Stops the stack afterwards if this run started it. Extra arguments go to Maven.
source "$(dirname "$0")/lib.sh"

started_here=false
if ! bash "$LIFEBOAT_ROOT/scripts/stack.sh" healthy >/dev/null 2>&1; then
  started_here=true
fi
cleanup() {
  if [[ "$started_here" == true && "${LIFEBOAT_KEEP_STACK:-}" != 1 ]]; then
    bash "$LIFEBOAT_ROOT/scripts/stack.sh" down || true
  fi
}
trap cleanup EXIT

bash "$LIFEBOAT_ROOT/scripts/stack.sh" up
# Integration tests run their own in-process workers; a background worker from the demo would
# compete for the same task queues with possibly older code.
bash "$LIFEBOAT_ROOT/scripts/worker.sh" stop >/dev/null 2>&1 || true

cd "$LIFEBOAT_ROOT"
mvn -B -DskipITs=false "$@" verify
