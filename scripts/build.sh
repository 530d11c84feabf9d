#!/usr/bin/env bash
# Builds the worker and CLI jars when they are missing or older than any source or POM.
# --force rebuilds regardless.
source "$(dirname "$0")/lib.sh"

CLI_JAR="$LIFEBOAT_ROOT/starter/target/lifeboat-cli.jar"
WORKER_JAR="$LIFEBOAT_ROOT/worker/target/lifeboat-worker.jar"

stale() {
  [[ -f "$CLI_JAR" && -f "$WORKER_JAR" ]] || return 0
  local newer
  newer="$(find "$LIFEBOAT_ROOT"/pom.xml "$LIFEBOAT_ROOT"/{workflows,config,activities,worker,starter}/{pom.xml,src/main} \
    -newer "$CLI_JAR" -type f -print -quit 2>/dev/null || true)"
  [[ -n "$newer" ]] && return 0
  newer="$(find "$LIFEBOAT_ROOT"/{workflows,config,activities,worker,starter}/{pom.xml,src/main} \
    -newer "$WORKER_JAR" -type f -print -quit 2>/dev/null || true)"
  [[ -n "$newer" ]]
}

if [[ "${1:-}" == "--force" ]] || stale; then
  command -v mvn >/dev/null || die "Maven is needed to build Lifeboat; install maven (3.8+) and a JDK 17+"
  log "building jars (mvn package -DskipTests); output in $LIFEBOAT_LOGS/build.log"
  (cd "$LIFEBOAT_ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true install >"$LIFEBOAT_LOGS/build.log" 2>&1) ||
    die "the build failed; see $LIFEBOAT_LOGS/build.log"
fi
record_cli_archive
