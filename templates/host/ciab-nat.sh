set -eu

# Masquerade the floating network {{cidr}} out of whichever link leads to the destination, so instances on the
# local bridge reach the world ({{out}} today; a laptop moving from Wi-Fi to cable keeps working). Everything but
# the bridge itself counts as "out". Idempotent: "start" twice leaves one set of rules; "stop" removes exactly
# these rules and nothing else.
CIDR='{{cidr}}'
BRIDGE='{{bridge}}'
TABLE='{{table}}'
TAG='{{tag}}'

have() { command -v "$1" >/dev/null 2>&1; }

# nftables when present, else iptables; CIAB_NAT_BACKEND=nft|iptables forces one.
backend() {
    if [ -n "${CIAB_NAT_BACKEND:-}" ]; then echo "$CIAB_NAT_BACKEND"
    elif have nft; then echo nft
    elif have iptables; then echo iptables
    else echo none
    fi
}

# The one iptables rule, as arguments (no spaces inside any value, so word splitting is safe).
ipt_rule() { echo "-s $CIDR ! -d $CIDR ! -o $BRIDGE -m comment --comment $TAG -j MASQUERADE"; }

nft_start() {
    # "table; delete table; table {...}" in one transaction: replaces an existing table atomically.
    nft -f - <<NFT
table ip $TABLE
delete table ip $TABLE
table ip $TABLE {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        ip saddr $CIDR ip daddr != $CIDR oifname != "$BRIDGE" counter masquerade comment "$TAG"
    }
}
NFT
}

nft_stop() {
    if have nft && nft list table ip "$TABLE" >/dev/null 2>&1; then nft delete table ip "$TABLE"; fi
}

ipt_start() {
    # shellcheck disable=SC2046
    iptables -w -t nat -C POSTROUTING $(ipt_rule) 2>/dev/null || iptables -w -t nat -A POSTROUTING $(ipt_rule)
}

ipt_stop() {
    have iptables || return 0
    # shellcheck disable=SC2046
    while iptables -w -t nat -C POSTROUTING $(ipt_rule) 2>/dev/null; do iptables -w -t nat -D POSTROUTING $(ipt_rule); done
}

case "${1:-}" in
start)
    echo 1 > /proc/sys/net/ipv4/ip_forward
    case "$(backend)" in
    nft) nft_start ;;
    iptables) ipt_start ;;
    *) echo "ciab-nat: neither nft nor iptables is installed: cannot NAT $CIDR" >&2; exit 1 ;;
    esac
    echo "ciab-nat: $CIDR masqueraded out of every link but $BRIDGE ($(backend))"
    ;;
stop)
    # Both backends: the rules may have been added before the other one was installed.
    nft_stop
    ipt_stop
    echo "ciab-nat: NAT of $CIDR removed (IPv4 forwarding left as it is)"
    ;;
status)
    if have nft; then nft list table ip "$TABLE" 2>/dev/null || true; fi
    if have iptables; then iptables -w -t nat -S POSTROUTING | grep -F -- "$TAG" || true; fi
    ;;
*)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
