set -eu

# Attach the loop file that holds the LVM volume group for cinder, then activate the group.
# Idempotent: a file that is already attached is not attached a second time.
FILE='{{file}}'
VG='{{vg}}'

# The loop device the file is attached to, if any.
attached() { losetup -j "$FILE" | head -n 1 | cut -d: -f1; }

case "${1:-start}" in
start)
    if [ ! -f "$FILE" ]; then
        echo "ciab-cinder-loop: $FILE is missing: the volume group $VG (cinder volumes) cannot be activated" >&2
        exit 1
    fi
    dev=$(attached)
    if [ -n "$dev" ]; then
        echo "ciab-cinder-loop: $FILE is already on $dev"
    else
        dev=$(losetup --find --show "$FILE")
        echo "ciab-cinder-loop: attached $FILE as $dev"
    fi
    # Tell LVM about the new device (harmless where event activation already saw it), then activate.
    pvscan --cache "$dev" >/dev/null 2>&1 || true
    vgchange --activate y "$VG"
    ;;
status)
    dev=$(attached)
    echo "${dev:-not attached}"
    [ -z "$dev" ] || vgs "$VG"
    ;;
*)
    echo "usage: $0 start|status" >&2
    exit 2
    ;;
esac
