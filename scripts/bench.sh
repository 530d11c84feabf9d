#!/usr/bin/env bash
# ./lifeboat bench [...]           the backup benchmark: Lifeboat against pgBackRest (bench-backup.sh)
# ./lifeboat bench pipeline [...]  the data plane alone against zstd, gzip, openssl (bench-pipeline.sh)
# ./lifeboat bench failover [...]  failover RTO and rows lost, Lifeboat against a bare promote loop
#                                  (bench-failover.sh)
set -euo pipefail
here="$(dirname "$0")"
if [[ "${1:-}" == pipeline ]]; then
  shift
  exec bash "$here/bench-pipeline.sh" "$@"
fi
if [[ "${1:-}" == failover ]]; then
  shift
  exec bash "$here/bench-failover.sh" "$@"
fi
exec bash "$here/bench-backup.sh" "$@"
