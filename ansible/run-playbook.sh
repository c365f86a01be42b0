#!/bin/sh
# Run one of the project's playbooks with the pinned ansible of the kolla venv, building that venv first when it
# is missing: on a fresh host prepare-host must run before anything else exists, and the system ansible (if any)
# is not the pinned one. The playbook's own kolla-venv part then finds every pin installed (0 changed).
#
#   CIAB_KOLLA_VENV=DIR [CIAB_BOOTSTRAP_VENV=1] [CIAB_EXTRA_CA_FILES="a.crt b.pem"] run-playbook.sh ARGS…
#
# CIAB_BOOTSTRAP_VENV=1 (prepare-host): build the venv when its ansible-playbook is missing. Otherwise (teardown):
# the venv's ansible-playbook, or the system one when the venv is gone. The extra CA files go into the system
# trust store first (the same names prepare-host's ca-certificates part uses), so pip behind a TLS-intercepting
# proxy works; http_proxy/https_proxy come from the engine's environment. Exit 99: stopped (the stop file
# appeared while the venv was built).
set -eu

here="$(cd "$(dirname "$0")" && pwd)"
venv="${CIAB_KOLLA_VENV:?CIAB_KOLLA_VENV is not set}"
requirements="${CIAB_KOLLA_REQUIREMENTS:-$here/requirements.txt}"
python="${CIAB_KOLLA_PYTHON:-/usr/bin/python3}"

say() { printf 'ciab bootstrap: %s\n' "$*"; }

trust_extra_cas() {
  [ -n "${CIAB_EXTRA_CA_FILES:-}" ] || return 0
  dir=/usr/local/share/ca-certificates/ciab
  mkdir -p "$dir"
  changed=0
  for f in $CIAB_EXTRA_CA_FILES; do
    grep -q -- '-----BEGIN CERTIFICATE-----' "$f" || { say "$f: not a PEM certificate (no BEGIN CERTIFICATE line)"; exit 1; }
    name="$(basename "$f")"
    case "$name" in *.pem | *.crt | *.cer) name="${name%.*}" ;; esac
    if ! cmp -s "$f" "$dir/$name.crt"; then
      install -m 0644 "$f" "$dir/$name.crt"
      changed=1
    fi
  done
  if [ "$changed" = 1 ]; then
    say "trusting $CIAB_EXTRA_CA_FILES"
    update-ca-certificates >/dev/null
  fi
}

build_venv() {
  if ! "$python" -c 'import venv, ensurepip' 2>/dev/null; then
    say "installing python3-venv (apt)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
  fi
  trust_extra_cas
  say "creating the kolla venv $venv"
  "$python" -m venv "$venv"
  say "installing the pinned kolla-ansible from $requirements"
  # --no-compile: byte-compiling ansible's ~40,000 files took most of the install under TCG; Python compiles
  # what it imports, on first use.
  cert=""
  [ -n "${CIAB_EXTRA_CA_FILES:-}" ] && cert="--cert=/etc/ssl/certs/ca-certificates.crt"
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pip install --no-input --disable-pip-version-check --progress-bar off --no-compile $cert \
    --only-binary=:all: --requirement "$requirements"
}

playbook="$venv/bin/ansible-playbook"
if [ ! -x "$playbook" ]; then
  if [ "${CIAB_BOOTSTRAP_VENV:-0}" = 1 ]; then
    build_venv
    if [ -n "${CIAB_STOP_FILE:-}" ] && [ -e "$CIAB_STOP_FILE" ]; then say "stopped after building the venv"; exit 99; fi
  else
    playbook="$(command -v ansible-playbook || true)"
    [ -n "$playbook" ] || { say "no ansible-playbook: neither $venv/bin/ansible-playbook nor one on PATH"; exit 127; }
  fi
fi
exec "$playbook" "$@"
