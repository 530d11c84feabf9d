#!/usr/bin/env bash
# ./lifeboat bench [...]           the backup benchmark: Lifeboat against pgBackRest (bench-backup.sh)
# ./lifeboat bench pipeline [...]  the data plane alone against zstd, gzip, openssl (bench-pipeline.sh)
set -euo pipefail
here="$(dirname "$0")"
if [[ "${1:-}" == pipeline ]]; then
  shift
  exec bash "$here/bench-pipeline.sh" "$@"
fi
exec bash "$here/bench-backup.sh" "$@"
