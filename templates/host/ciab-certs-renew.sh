set -eu

# kolla-ansible's certificates action signs the API certificates for 365 days (its CA for 1024) and, run again,
# keeps certificates that still exist whatever their dates. So renewing means: move the ones about to expire
# aside, let kolla-ansible sign new ones (with the same keys, so nothing else changes), and hand them to the
# services that serve them. Leaf certificates only: the load balancer (HAProxy, ProxySQL). The CA too: every
# service, because each container carries a copy of the CA. Nothing is removed: the old files stay in
# certificates/private/renewed-<date>/.
CONFIG='{{configDir}}'
KOLLA_VENV="${CIAB_KOLLA_VENV:-{{kollaVenv}}}"
# Renew what expires within this many days (the timer runs weekly).
DAYS="${CIAB_CERTS_RENEW_DAYS:-{{renewDays}}}"

CERTS="$CONFIG/certificates"
ROOT_CRT="$CERTS/private/root/root.crt"
LEAVES="$CERTS/private/external/external.crt $CERTS/private/internal/internal.crt $CERTS/private/backend/backend.crt"

expires_soon() { ! openssl x509 -checkend "$((DAYS * 86400))" -noout -in "$1" >/dev/null; }
not_after() { openssl x509 -enddate -noout -in "$1" | cut -d= -f2; }

# kolla-ansible finds ansible-playbook on PATH: the venv's own.
kolla() { PATH="$KOLLA_VENV/bin:$PATH" "$KOLLA_VENV/bin/kolla-ansible" "$@" -i "$CONFIG/inventory" --configdir "$CONFIG"; }

status() {
    if [ ! -f "$ROOT_CRT" ]; then
        echo "ciab-certs-renew: no kolla certificates in $CERTS yet"
        return 0
    fi
    for crt in "$ROOT_CRT" $LEAVES; do
        [ -f "$crt" ] || continue
        if expires_soon "$crt"; then due=" (renewal due: within $DAYS days)"; else due=''; fi
        echo "$crt: valid until $(not_after "$crt")$due"
    done
}

renew() {
    reconfigure=yes
    [ "${1:-}" != --no-reconfigure ] || reconfigure=no
    if [ ! -f "$ROOT_CRT" ]; then
        echo "ciab-certs-renew: no kolla certificates in $CERTS yet: nothing to renew"
        return 0
    fi
    due=''
    for crt in $LEAVES; do
        if [ -f "$crt" ] && expires_soon "$crt"; then due="$due $crt"; fi
    done
    ca=no
    if expires_soon "$ROOT_CRT"; then
        # A new CA certificate (same key): re-sign every leaf too, so none outlives its CA.
        ca=yes
        due="$ROOT_CRT"
        for crt in $LEAVES; do [ ! -f "$crt" ] || due="$due $crt"; done
    fi
    if [ -z "$due" ]; then
        echo "ciab-certs-renew: nothing expires within $DAYS days"
        status
        return 0
    fi
    aside="$CERTS/private/renewed-$(date -u +%Y%m%dT%H%M%SZ)"
    mkdir -p "$aside"
    chmod 0700 "$aside"
    for crt in $due; do
        echo "ciab-certs-renew: renewing $crt (valid until $(not_after "$crt"))"
        mv "$crt" "$aside/$(basename "$(dirname "$crt")")-$(basename "$crt")"
    done
    if ! kolla certificates; then
        # Put the old certificates back: still valid for a while, and what the services serve now.
        for crt in $due; do
            old="$aside/$(basename "$(dirname "$crt")")-$(basename "$crt")"
            [ -f "$crt" ] || mv "$old" "$crt"
        done
        echo "ciab-certs-renew: kolla-ansible certificates failed; the old certificates are back in place" >&2
        return 1
    fi
    if [ "$ca" = yes ]; then tags=''; else tags='--tags loadbalancer'; fi
    if [ "$reconfigure" = no ]; then
        echo "ciab-certs-renew: new certificates signed; to serve them run: $KOLLA_VENV/bin/kolla-ansible reconfigure $tags -i $CONFIG/inventory --configdir $CONFIG"
        return 0
    fi
    echo "ciab-certs-renew: kolla-ansible reconfigure $tags"
    # shellcheck disable=SC2086
    kolla reconfigure $tags
    status
}

case "${1:-}" in
renew)
    shift
    renew "$@"
    ;;
status)
    status
    ;;
*)
    echo "usage: $0 renew [--no-reconfigure]|status" >&2
    exit 2
    ;;
esac
