#!/usr/bin/env bash
# The test fixture's OpenStack APIs (keystone, glance, placement, nova-api, neutron-server of 2026.1) on loopback.
#
#   scripts/cloud-fixture.sh venv        build (once) the services' venv, print its path
#   scripts/cloud-fixture.sh up DIR      start MariaDB and the services; DIR/clouds.yaml, DIR/fixture.json
#   scripts/cloud-fixture.sh down DIR    stop them, delete DIR
#
# The venv: ${CIAB_CACHE:-$HOME/.cache/ciab}/cloud-fixture-<first 12 hex of sha256(test/cloud/fixture-requirements.txt)>,
# complete only with its marker file (an interrupted build is thrown away), builds serialised with flock.
# Host needs (Debian): python3 (>= 3.11), python3-venv, mariadb-server (its binaries only; the system service is
# not used), gcc is not needed.
set -euo pipefail

die() { printf 'cloud-fixture: %s\n' "$*" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
req="$here/../test/cloud/fixture-requirements.txt"
[ -r "$req" ] || die "cannot read $req"
python=${CIAB_PYTHON:-python3}
sha=$(sha256sum "$req" | cut -c1-12)
cache=${CIAB_CACHE:-${HOME:?HOME is not set}/.cache/ciab}
venv="$cache/cloud-fixture-$sha"
marker="$venv/.ciab-complete"
log="$cache/cloud-fixture-$sha.log"

build_venv() {
  mkdir -p "$cache"
  [ -f "$marker" ] && return 0
  exec 9>"$cache/cloud-fixture-$sha.lock"
  flock 9
  [ -f "$marker" ] && return 0
  rm -rf "$venv"
  : >"$log"
  if ! { "$python" -m venv "$venv" && "$venv/bin/python" -m pip install --disable-pip-version-check --no-input \
      --requirement "$req" && "$venv/bin/python" -m pip check; } >>"$log" 2>&1; then
    tail -n 25 "$log" >&2
    rm -rf "$venv"
    die "building $venv failed (log: $log)"
  fi
  date -u +%Y-%m-%dT%H:%M:%SZ >"$marker"
}

case "${1:-}" in
  venv) build_venv; printf '%s\n' "$venv" ;;
  up) [ $# = 2 ] || die "usage: $0 up DIR"
      command -v mariadbd >/dev/null || die "mariadbd not found (apt-get install mariadb-server)"
      build_venv; exec "$venv/bin/python" "$here/cloud-fixture.py" up "$2" ;;
  down) [ $# = 2 ] || die "usage: $0 down DIR"
        [ -x "$venv/bin/python" ] || { rm -rf "$2"; exit 0; }
        exec "$venv/bin/python" "$here/cloud-fixture.py" down "$2" ;;
  *) die "usage: $0 venv | up DIR | down DIR" ;;
esac
