#!/usr/bin/env bash
# ./lifeboat bench pipeline [--scale S] [--runs N]: the backup pipeline against the reference tools, on the
# same input, in one run. The input is what a base backup streams: a tar of the primary's data
# directory, with a `bench` database loaded at scale S (default 0.1) beside `shop`.
# Prints the machine, every measurement (median of N runs, default 3) and the ratios.
source "$(dirname "$0")/lib.sh"

SCALE=0.1
RUNS=3
while (($#)); do
  case "$1" in
    --scale) SCALE="${2:?--scale needs a value such as 0.1}"; shift 2 ;;
    --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
    *) die "usage: lifeboat bench pipeline [--scale S] [--runs N]" ;;
  esac
done
[[ "$SCALE" =~ ^[0-9]*\.?[0-9]+$ ]] || die "--scale '$SCALE' is not a positive number such as 0.1"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs '$RUNS' is not a positive whole number"

bash "$LIFEBOAT_ROOT/scripts/stack.sh" up >/dev/null
command -v zstd >/dev/null || { apt-get install -y -qq zstd >/dev/null || die "zstd is missing; apt-get install zstd"; }
command -v openssl >/dev/null || { apt-get install -y -qq openssl >/dev/null || die "openssl is missing; apt-get install openssl"; }

JAR="$LIFEBOAT_ROOT/bench/target/lifeboat-bench.jar"
if [[ ! -f "$JAR" ]] || [[ -n "$(find "$LIFEBOAT_ROOT"/{activities,bench}/src/main -newer "$JAR" -type f -print -quit)" ]]; then
  # package, never install: the jar stays in target/ and the shared ~/.m2 is left alone.
  log "building the benchmark (mvn package -pl bench -am)"
  (cd "$LIFEBOAT_ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true -pl bench -am package >"$LIFEBOAT_LOGS/bench-build.log" 2>&1) ||
    die "the benchmark did not build; see $LIFEBOAT_LOGS/bench-build.log"
fi

BENCH="$LIFEBOAT_STATE/bench"
INPUT="$BENCH/input-$SCALE.tar"
mkdir -p "$BENCH"
PGSTATE="$(pg_state_dir)"
PGBIN="$(pg_bindir)"
if [[ ! -s "$INPUT" ]]; then
  log "loading database bench at scale $SCALE and taring the primary's data directory"
  PGPASSWORD="$(cat "$LIFEBOAT_STATE/secrets/pg-shop")" "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres \
    -d postgres -XqAt -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench OWNER $PG_APP_USER" >/dev/null
  PGPASSWORD="$(cat "$LIFEBOAT_STATE/secrets/pg-shop-app")" "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" \
    -U "$PG_APP_USER" -d bench -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" \
    -f "$LIFEBOAT_ROOT/scripts/sql/shop-schema.sql" -f "$LIFEBOAT_ROOT/scripts/sql/shop-load.sql" >/dev/null
  PGPASSWORD="$(cat "$LIFEBOAT_STATE/secrets/pg-shop")" "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres \
    -d postgres -XqAt -c "CHECKPOINT" >/dev/null
  # A live data directory changes while tar reads it; that is fine for an input file.
  tar -cf "$INPUT.tmp" --warning=no-file-changed --warning=no-file-removed -C "$PGSTATE/sydney" . || [[ $? == 1 ]]
  mv "$INPUT.tmp" "$INPUT"
fi
SIZE=$(stat -c %s "$INPUT")

median_seconds() {
  # Runs "$@" RUNS times (stdout discarded) and prints the median wall time in seconds.
  local times=()
  for _ in $(seq 1 "$RUNS"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc -l)")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

mbps() { echo "scale=1; $SIZE / 1000000 / $1" | bc -l; }

RESULTS="$BENCH/results.tsv"
: >"$RESULTS"
record() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$RESULTS"; }

log "input: $INPUT ($SIZE bytes); $RUNS runs each, median reported"
cat "$INPUT" >/dev/null # warm the page cache, so every reader starts from memory
record "cat > /dev/null" "$(mbps "$(median_seconds cat "$INPUT")")"
record "sha256sum" "$(mbps "$(median_seconds sha256sum "$INPUT")")"
record "zstd -1 -T2" "$(mbps "$(median_seconds zstd -q -1 -T2 -c "$INPUT")")" "$(zstd -q -1 -T2 -c "$INPUT" | wc -c)"
record "zstd -3 -T2" "$(mbps "$(median_seconds zstd -q -3 -T2 -c "$INPUT")")" "$(zstd -q -3 -T2 -c "$INPUT" | wc -c)"
record "zstd -3 -T2 > file" "$(mbps "$(median_seconds bash -c "zstd -q -3 -T2 -c '$INPUT' > '$BENCH/zstd.out' && sync -f '$BENCH/zstd.out'")")"
record "gzip -6" "$(mbps "$(median_seconds gzip -6 -c "$INPUT")")" "$(gzip -6 -c "$INPUT" | wc -c)"
AES=$(openssl speed -evp aes-256-gcm -bytes 16384 -seconds 2 2>/dev/null | awk '/^AES-256-GCM|^aes-256-gcm/ {v=$NF} END {sub(/k$/, "", v); printf "%.1f", v * 1000 / 1000000}')
record "openssl aes-256-gcm (16 KiB blocks)" "$AES"

java -Xmx512m -jar "$JAR" "$INPUT" "$BENCH/store" "$RUNS" >>"$RESULTS" || die "the pipeline benchmark failed"

python3 - "$RESULTS" "$SIZE" <<'EOF'
import platform, subprocess, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
size = int(sys.argv[2])
rate = {r[0]: float(r[1]) for r in rows}
def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except Exception:
        return "?"
print("machine: %s, %s cores, %s RAM, kernel %s" % (
    sh("lscpu | sed -n 's/^Model name: *//p' | head -1"), sh("nproc"),
    sh("free -h | awk '/Mem:/ {print $2}'"), platform.release()))
print("tools:   %s; %s; %s" % (sh("java -version 2>&1 | head -1"), sh("zstd --version"), sh("openssl version")))
print("input:   %.1f MB (tar of a PostgreSQL 15 data directory)\n" % (size / 1e6))
print("%-36s %10s %14s %8s" % ("what", "MB/s", "stored bytes", "ratio"))
for name, mbs, *stored in rows:
    s = stored[0] if stored and stored[0] else ""
    ratio = "%.2f" % (size / int(s)) if s else ""
    print("%-36s %10s %14s %8s" % (name, mbs, s, ratio))
print()
def compare(ours, theirs):
    print("%-26s / %-20s = %5.0f%%   (%.1f / %.1f MB/s)" % (ours, theirs, 100 * rate[ours] / rate[theirs], rate[ours], rate[theirs]))
compare("lifeboat zstd-3+aes", "zstd -3 -T2")
compare("lifeboat zstd-1+aes", "zstd -1 -T2")
compare("lifeboat zstd-3+aes", "zstd -3 -T2 > file")
compare("lifeboat gzip-6+aes", "gzip -6")
compare("lifeboat none+aes", "openssl aes-256-gcm (16 KiB blocks)")
compare("lifeboat none", "sha256sum")
target = rate["lifeboat zstd-3+aes"] / rate["zstd -3 -T2"]
print("\ntarget: zstd + encryption + SHA-256 >= 70%% of plain zstd -T2 at the same level: %s (%.0f%%)"
      % ("MET" if target >= 0.70 else "NOT MET", 100 * target))
EOF
