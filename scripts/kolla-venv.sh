#!/usr/bin/env bash
# Create (idempotently) the Python venv with the pinned kolla-ansible toolchain and print its path.
#
#   scripts/kolla-venv.sh            -> last line of stdout: the venv directory
#
# Location: ${CIAB_CACHE:-$HOME/.cache/ciab}/kolla-venv-<first 12 hex chars of sha256(ansible/requirements.txt)>,
# outside the repository. A marker file (.ciab-complete) is written only after the install and `pip check`
# succeeded; a venv without it (an interrupted or failed install) is deleted and rebuilt, never used.
# Concurrent callers are serialised with flock(1).
#
# Environment:
#   CIAB_CACHE    cache directory (default $HOME/.cache/ciab)
#   CIAB_PYTHON   interpreter used to create the venv (default python3; must be >= 3.11)
#   CIAB_VERBOSE  set to 1 to show pip's output
#
# Host needs (Debian/Ubuntu): python3 (>= 3.11) and python3-venv (for ensurepip), ca-certificates for
# HTTPS to PyPI, util-linux (flock, always present). Every pin has a binary wheel and pip runs with
# --only-binary=:all:, so gcc, python3-dev, libffi-dev and libssl-dev are NOT needed.
set -euo pipefail

die() { printf 'kolla-venv: %s\n' "$*" >&2; exit 1; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
req="$here/../ansible/requirements.txt"
[ -r "$req" ] || die "cannot read $req"
req=$(cd "$(dirname "$req")" && pwd)/$(basename "$req")

python=${CIAB_PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || die "$python not found (install python3 >= 3.11 and python3-venv)"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
  || die "$python is $("$python" -c 'import platform; print(platform.python_version())'); kolla-ansible 22 needs Python >= 3.11"
"$python" -c 'import venv, ensurepip' 2>/dev/null \
  || die "$python cannot create venvs with pip (on Debian/Ubuntu: apt-get install python3-venv)"

sha=$(sha256sum "$req" | cut -c1-12)
cache=${CIAB_CACHE:-${HOME:?HOME is not set}/.cache/ciab}
venv="$cache/kolla-venv-$sha"
marker="$venv/.ciab-complete"
log="$cache/kolla-venv-$sha.log"

mkdir -p "$cache" || die "cannot create $cache"

complete() {
  [ -f "$marker" ] && [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import sys' >/dev/null 2>&1
}

if ! complete; then
  exec 9>"$cache/kolla-venv-$sha.lock"
  flock 9 || die "cannot lock $cache/kolla-venv-$sha.lock"
  # Another process may have finished the build while we waited for the lock.
  if ! complete; then
    rm -rf "$venv"
    : >"$log"
    run() {
      if [ "${CIAB_VERBOSE:-0}" = 1 ]; then "$@" 2>&1 | tee -a "$log" >&2; return "${PIPESTATUS[0]}"; fi
      "$@" >>"$log" 2>&1
    }
    fail() {
      printf 'kolla-venv: %s (log: %s)\n' "$1" "$log" >&2
      tail -n 25 "$log" >&2 || true
      rm -rf "$venv"
      exit 1
    }
    run "$python" -m venv "$venv" || fail "python -m venv failed"
    run "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --only-binary=:all: \
      --requirement "$req" || fail "pip install of $req failed"
    run "$venv/bin/python" -m pip check || fail "pip check failed"
    for exe in kolla-ansible kolla-genpwd ansible-playbook ansible-inventory; do
      [ -x "$venv/bin/$exe" ] || fail "$venv/bin/$exe missing after install"
    done
    [ -d "$venv/share/kolla-ansible/ansible" ] || fail "$venv/share/kolla-ansible missing after install"
    printf 'requirements-sha256-12=%s\npython=%s\ncreated=%s\n' "$sha" \
      "$("$venv/bin/python" -c 'import platform; print(platform.python_version())')" \
      "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$marker.tmp"
    mv "$marker.tmp" "$marker"
  fi
fi

printf '%s\n' "$venv"
