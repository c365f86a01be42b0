#!/usr/bin/env bash
# The VM testbed: a real Debian 13 "trixie" machine (systemd, udev, virtio disks and NICs) booted under qemu/TCG,
# so tests can run `ciab` on a real target host. Everything lives OUTSIDE the repo, in
# ${CIAB_CACHE:-$HOME/.cache/ciab}/vm/. Quiet unless failing; idempotent.
#
#   scripts/vm-testbed.sh deps            install the host packages it needs (apt), if missing
#   scripts/vm-testbed.sh build           debootstrap the image once (cached; an interrupted build is redone)
#   scripts/vm-testbed.sh start           boot a clean VM (throw-away root overlay, fresh data disks); prints the ssh port
#   scripts/vm-testbed.sh reboot          reboot the running VM (the overlay and disks are kept) and wait for ssh
#   scripts/vm-testbed.sh ssh -- CMD…     run a command in the VM as root (arguments are kept as they are)
#   scripts/vm-testbed.sh copy SRC… DEST  copy files/folders into the VM folder DEST (tar over ssh): DEST/basename(SRC)
#   scripts/vm-testbed.sh wheelhouse REQS a local package mirror for the running VM: the wheels of REQS (exact pins)
#                                       for the VM's Python, downloaded on this host (cached), copied to
#                                       /var/cache/ciab-wheels and named in the VM's /etc/pip.conf (no-index)
#   scripts/vm-testbed.sh port            print the ssh port of the running VM
#   scripts/vm-testbed.sh status          exit 0 when the VM runs and answers ssh
#   scripts/vm-testbed.sh stop            power it off and clean up the run folder
#
# Environment:
#   CIAB_CACHE               cache root (default ~/.cache/ciab); the testbed uses $CIAB_CACHE/vm
#   CIAB_VM_MIRROR           Debian mirror (default http://deb.debian.org/debian)
#   CIAB_VM_BOOT_TIMEOUT     seconds to wait for ssh after boot (default 420)
#   CIAB_VM_HOST_PIP         the host's pip for `wheelhouse` (default: the pinned kolla venv's, scripts/kolla-venv.sh)
#   CIAB_VM_DISK_SERIALS     1 (default): the virtio disks carry serial= so udev makes /dev/disk/by-id links,
#                            as real disks have; 0: no serials (virtio disks then have no by-id link)
#
# The machine: qemu -accel tcg (KVM fails on the build machines), 2 vCPUs, 6 GiB, q35, direct kernel boot
# (-kernel/-initrd from the image's /boot, no bootloader). Disks: vda = root (GPT, ext4 on vda1, a qcow2
# overlay over the cached image, discarded at stop), vdb = a 40 GiB blank sparse file, vdc = 20 GiB holding an
# ext4 filesystem labelled ciab-keep (data an installer must never touch).
# The image is cached under a name keyed by its recipe (suite, mirror, packages and the configure step), so
# changing the recipe builds a new one and an unchanged recipe never rebuilds.
# NICs (virtio, enp0s2 and enp0s3 in the guest): the first has qemu user networking with ssh forwarded from
# 127.0.0.1:PORT only and DHCP (ifupdown); the second is a restricted user network (no route out, no IPv6
# router advertisements) that the guest leaves unconfigured: down until someone runs `ip link set enp0s3 up`.
# Nothing but 127.0.0.1 is ever bound on the host.
set -euo pipefail

SUITE=trixie
MIRROR="${CIAB_VM_MIRROR:-http://deb.debian.org/debian}"
VM="${CIAB_CACHE:-$HOME/.cache/ciab}/vm"
RUN="$VM/run"
KEY="$VM/id_ed25519"
IMAGE="$VM/root.img"
IMAGE_SIZE=4G
ROOT_UUID=6b1e2c3a-0c1a-4b1d-9c1a-c1ab0c1ab001
BOOT_TIMEOUT="${CIAB_VM_BOOT_TIMEOUT:-420}"
DISK_SERIALS="${CIAB_VM_DISK_SERIALS:-1}"
# The guest: what a minimal Debian server has, plus what ciab reads and the tests use.
GUEST_PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,iproute2,util-linux,fdisk,e2fsprogs,lvm2,openssh-server,ifupdown,dhcpcd-base,linux-image-amd64,initramfs-tools,procps,ca-certificates,iputils-ping,netbase,python3
HOST_PACKAGES=(debootstrap qemu-system-x86 qemu-utils e2fsprogs fdisk openssh-client util-linux)

die() { printf 'vm-testbed: %s\n' "$*" >&2; exit 1; }
warn() { printf 'vm-testbed: %s\n' "$*" >&2; }

ssh_opts() {
  local port
  port="$(cat "$RUN/ssh.port" 2>/dev/null)" || die "not running (no $RUN/ssh.port): run \`$0 start\` first"
  SSH_OPTS=(-i "$KEY" -p "$port" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10 -o ServerAliveInterval=15
    -o ServerAliveCountMax=8 -o Ciphers=aes128-gcm@openssh.com,aes128-ctr,chacha20-poly1305@openssh.com)
}

# --- host packages --------------------------------------------------------------------------------------

cmd_deps() {
  local missing=() tool
  local -A need=([debootstrap]=debootstrap [qemu-system-x86_64]=qemu-system-x86 [qemu-img]=qemu-utils
    [mkfs.ext4]=e2fsprogs [sfdisk]=fdisk [ssh]=openssh-client [flock]=util-linux)
  for tool in "${!need[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$tool" >/dev/null 2>&1 || missing+=("${need[$tool]}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] || die "missing ${missing[*]} and not root to install them (apt-get install ${HOST_PACKAGES[*]})"
  command -v apt-get >/dev/null || die "missing ${missing[*]} and no apt-get"
  local log="$VM/apt.log"
  mkdir -p "$VM"
  # shellcheck disable=SC2015
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${HOST_PACKAGES[@]}"; } >"$log" 2>&1 ||
    { tail -n 20 "$log" >&2; die "apt-get install ${HOST_PACKAGES[*]} failed (log: $log)"; }
}

# --- build ------------------------------------------------------------------------------------------------

# The recipe's key: what goes into the image. Computed after configure_guest is defined (see main).
build_id() { { printf '%s\n' "$SUITE" "$MIRROR" "$GUEST_PACKAGES" "$IMAGE_SIZE"; declare -f configure_guest; } | sha256sum | cut -c1-16; }

built() { [ -f "$VM/built.ok" ] && [ "$(cat "$VM/built.ok")" = "$RECIPE_ID" ] && [ -f "$IMAGE" ] && [ -f "$VM/vmlinuz" ] && [ -f "$VM/initrd.img" ] && [ -f "$KEY" ]; }

cmd_build() {
  mkdir -p "$VM"
  built && return 0
  [ "$(id -u)" = 0 ] || die "build needs root (debootstrap, chroot)"
  cmd_deps
  exec 8>"$VM/build.lock"
  flock 8
  built && return 0 # someone else built it while we waited
  rm -f "$VM/built.ok"
  local work="$VM/build" log="$VM/build.log"
  local rootfs="$work/rootfs"
  # An interrupted build leaves junk (maybe even mounts from debootstrap's chroot): clear it.
  if [ -d "$rootfs" ]; then
    local m
    for m in $(awk -v r="$rootfs" '$2 ~ "^"r {print $2}' /proc/mounts | sort -r); do umount -l "$m" 2>/dev/null || true; done
  fi
  rm -rf "$work"
  mkdir -p "$work" "$VM/debs"
  : >"$log"
  step() { printf '\n== %s\n' "$*" >>"$log"; }
  fail() { tail -n 30 "$log" >&2; die "build failed: $* (log: $log)"; }

  step "ssh key"
  if [ ! -f "$KEY" ]; then
    rm -f "$KEY" "$KEY.pub"
    ssh-keygen -q -t ed25519 -N '' -C ciab-testbed -f "$KEY" >>"$log" 2>&1 || fail "ssh-keygen"
  fi
  chmod 600 "$KEY"

  step "debootstrap $SUITE"
  debootstrap --variant=minbase --cache-dir="$VM/debs" --include="$GUEST_PACKAGES" \
    "$SUITE" "$rootfs" "$MIRROR" >>"$log" 2>&1 || fail "debootstrap"

  step "configure"
  configure_guest "$rootfs" >>"$log" 2>&1 || fail "configure"

  step "kernel"
  local vmlinuz initrd
  vmlinuz="$(ls "$rootfs"/boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)"
  initrd="$(ls "$rootfs"/boot/initrd.img-* 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$vmlinuz" ] && [ -n "$initrd" ] || fail "no kernel/initrd in $rootfs/boot"
  cp "$vmlinuz" "$work/vmlinuz"
  cp "$initrd" "$work/initrd.img"

  step "image"
  # A GPT disk with one Linux partition from 1 MiB on, like an installer makes; the ext4 filesystem is
  # written straight from the folder (mkfs.ext4 -d at an offset): no loop device, no mount.
  local img="$work/root.img" offset=$((1024 * 1024)) fs_kib
  truncate -s "$IMAGE_SIZE" "$img"
  printf 'label: gpt\nstart=2048, type=L, name=root\n' | sfdisk -q "$img" >>"$log" 2>&1 || fail "sfdisk"
  # The partition ends 33 sectors before the end (backup GPT): size the fs from sfdisk's own numbers.
  local sectors
  sectors="$(sfdisk -l -o Sectors "$img" 2>/dev/null | awk 'f {print $1; exit} /Sectors/ {f=1}')"
  [ -n "$sectors" ] || fail "cannot read the partition size"
  fs_kib=$((sectors / 2))
  mkfs.ext4 -q -F -L root -U "$ROOT_UUID" -E "offset=$offset" -d "$rootfs" "$img" "${fs_kib}k" >>"$log" 2>&1 ||
    fail "mkfs.ext4 -d"

  mv "$img" "$IMAGE"
  mv "$work/vmlinuz" "$VM/vmlinuz"
  mv "$work/initrd.img" "$VM/initrd.img"
  rm -rf "$work"
  printf '%s\n' "$RECIPE_ID" >"$VM/built.ok"
}

configure_guest() {
  local r="$1"
  echo ciab-vm >"$r/etc/hostname"
  # What the Debian installer writes: the hostname on 127.0.1.1 (RabbitMQ's loopback trap, for detection to see).
  cat >"$r/etc/hosts" <<'EOF'
127.0.0.1	localhost
127.0.1.1	ciab-vm
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF
  cat >"$r/etc/fstab" <<EOF
UUID=$ROOT_UUID / ext4 errors=remount-ro 0 1
EOF
  # ifupdown, as a Debian install has it: DHCP on the first NIC (its name depends on the PCI slot;
  # allow-hotplug stanzas for names that do not exist are harmless). The second NIC stays unconfigured.
  cat >"$r/etc/network/interfaces" <<'EOF'
# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback

# The primary network interface
allow-hotplug enp0s2
iface enp0s2 inet dhcp
EOF
  cat >"$r/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb http://deb.debian.org/debian-security $SUITE-security main
EOF
  # root: key only.
  install -d -m 700 "$r/root/.ssh"
  install -m 600 "$KEY.pub" "$r/root/.ssh/authorized_keys"
  mkdir -p "$r/etc/ssh/sshd_config.d"
  cat >"$r/etc/ssh/sshd_config.d/ciab.conf" <<'EOF'
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
EOF
  # A fixed machine id: every boot of the overlay is otherwise a "first boot".
  echo 6b1e2c3a0c1a4b1d9c1ac1ab0c1ab001 >"$r/etc/machine-id"
  # No timers that run apt or fstrim behind the tests' back.
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer fstrim.timer e2scrub_all.timer e2scrub_reap.service man-db.timer; do
    ln -sf /dev/null "$r/etc/systemd/system/$unit"
  done
  # Keep the image small: no apt lists or downloaded debs inside.
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*
  return 0
}

# --- start / stop -----------------------------------------------------------------------------------------

qemu_pid() {
  local pid
  pid="$(cat "$RUN/qemu.pid" 2>/dev/null)" || return 1
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$RUN/root.qcow2" || return 1
  echo "$pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ssh_ready() {
  ssh_opts
  ssh "${SSH_OPTS[@]}" -o ConnectTimeout=5 root@127.0.0.1 true >/dev/null 2>&1
}

cmd_start() {
  built || die "no image: run \`$0 build\` first"
  exec 9>"$VM/run.lock"
  flock 9
  if qemu_pid >/dev/null; then
    if ssh_ready; then cat "$RUN/ssh.port"; return 0; fi
    die "a VM is running (pid $(qemu_pid)) but ssh does not answer: \`$0 stop\` first"
  fi
  stop_quietly
  mkdir -p "$RUN"
  qemu-img create -q -f qcow2 -b "$IMAGE" -F raw "$RUN/root.qcow2" >/dev/null
  truncate -s 40G "$RUN/data-blank.img"
  truncate -s 20G "$RUN/data-fs.img"
  mkfs.ext4 -q -F -L ciab-keep -E lazy_itable_init=1,lazy_journal_init=1 "$RUN/data-fs.img" >/dev/null
  local serial_root="" serial_a="" serial_b=""
  if [ "$DISK_SERIALS" = 1 ]; then serial_root=",serial=ciab-root"; serial_a=",serial=ciab-blank"; serial_b=",serial=ciab-keep"; fi

  local attempt port started=0
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    : >"$RUN/serial.log"
    # 8>&- 9>&-: the daemonized qemu must not inherit (and so keep holding) the script's lock files.
    if qemu-system-x86_64 -name ciab-testbed -machine q35 -accel tcg -cpu max -smp 2 -m 6144 \
      -nodefaults -display none -serial "file:$RUN/serial.log" \
      -kernel "$VM/vmlinuz" -initrd "$VM/initrd.img" -append "root=UUID=$ROOT_UUID ro console=ttyS0" \
      -drive "if=none,id=root,file=$RUN/root.qcow2,format=qcow2,cache=unsafe,discard=unmap" \
      -device "virtio-blk-pci,drive=root,addr=0x5$serial_root" \
      -drive "if=none,id=blank,file=$RUN/data-blank.img,format=raw,cache=unsafe,discard=unmap" \
      -device "virtio-blk-pci,drive=blank,addr=0x6$serial_a" \
      -drive "if=none,id=keep,file=$RUN/data-fs.img,format=raw,cache=unsafe,discard=unmap" \
      -device "virtio-blk-pci,drive=keep,addr=0x7$serial_b" \
      -netdev "user,id=mgmt,hostfwd=tcp:127.0.0.1:$port-:22" \
      -device "virtio-net-pci,netdev=mgmt,mac=52:54:00:c1:ab:01,addr=0x2" \
      -netdev "user,id=ext,restrict=on,ipv6=off" \
      -device "virtio-net-pci,netdev=ext,mac=52:54:00:c1:ab:02,addr=0x3" \
      -pidfile "$RUN/qemu.pid" -daemonize >"$RUN/qemu.log" 2>&1 8>&- 9>&-; then
      started=1
      break
    fi
    grep -qi 'hostfwd\|forward' "$RUN/qemu.log" || { cat "$RUN/qemu.log" >&2; die "qemu failed to start"; }
  done
  [ "$started" = 1 ] || { cat "$RUN/qemu.log" >&2; die "qemu failed to start (no free port?)"; }
  echo "$port" >"$RUN/ssh.port"

  local deadline=$((SECONDS + BOOT_TIMEOUT))
  until ssh_ready; do
    if ! qemu_pid >/dev/null; then
      warn "qemu exited during boot; serial log tail:"
      tail -n 40 "$RUN/serial.log" >&2
      cat "$RUN/qemu.log" >&2
      stop_quietly
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      warn "no ssh after ${BOOT_TIMEOUT}s; serial log tail:"
      tail -n 40 "$RUN/serial.log" >&2
      stop_quietly
      exit 1
    fi
    sleep 2
  done
  echo "$port"
}

stop_quietly() {
  local pid i
  if pid="$(qemu_pid)"; then
    if [ -f "$RUN/ssh.port" ]; then
      ssh_opts
      timeout 15 ssh "${SSH_OPTS[@]}" -o ConnectTimeout=5 root@127.0.0.1 'systemctl poweroff --no-block' >/dev/null 2>&1 || true
    fi
    for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$RUN"
}

cmd_stop() {
  [ -d "$VM" ] || return 0
  exec 9>"$VM/run.lock"
  flock 9
  stop_quietly
}

# --- use ----------------------------------------------------------------------------------------------------

cmd_ssh() {
  [ "${1:-}" = "--" ] && shift
  ssh_opts
  if [ $# -eq 0 ]; then exec ssh "${SSH_OPTS[@]}" root@127.0.0.1; fi
  # ssh joins its arguments into one shell line: quote each so the remote command gets them unchanged.
  exec ssh "${SSH_OPTS[@]}" root@127.0.0.1 -- "$(printf '%q ' "$@")"
}

cmd_copy() {
  [ $# -ge 2 ] || die "usage: $0 copy SRC… DEST"
  local dest="${*: -1}" src
  local -a sources=("${@:1:$#-1}")
  ssh_opts
  for src in "${sources[@]}"; do
    [ -e "$src" ] || die "copy: $src does not exist"
  done
  # One tar stream per source (each may live in another folder); -h is not used: symlinks stay links.
  for src in "${sources[@]}"; do
    src="${src%/}"
    tar -C "$(dirname -- "$src")" -cf - -- "$(basename -- "$src")" |
      ssh "${SSH_OPTS[@]}" root@127.0.0.1 -- "mkdir -p $(printf '%q' "$dest") && tar -C $(printf '%q' "$dest") -xf - --no-same-owner" ||
      die "copy $src → $dest failed"
  done
}

# pip under TCG spends minutes fetching ~75 MB over TLS (SHA and AES are the slowest things to emulate). A site
# mirror is what many real machines have: here it is a folder of wheels, downloaded on the host for the guest's
# Python and platform (--only-binary, so nothing is built), and a pip.conf that uses only it. pip still installs
# every package for real inside the VM.
cmd_wheelhouse() {
  [ $# -eq 1 ] || die "usage: $0 wheelhouse REQUIREMENTS"
  local reqs="$1" pyver pip sha dir
  [ -r "$reqs" ] || die "wheelhouse: cannot read $reqs"
  ssh_opts
  pyver="$(ssh "${SSH_OPTS[@]}" root@127.0.0.1 -- python3 -c "'import sys; print(\"%d.%d\" % sys.version_info[:2])'")" ||
    die "wheelhouse: no python3 in the VM"
  pip="${CIAB_VM_HOST_PIP:-}"
  if [ -z "$pip" ]; then
    pip="$(bash "$(dirname "$0")/kolla-venv.sh" | tail -n 1)/bin/pip" || die "wheelhouse: no host pip (scripts/kolla-venv.sh failed)"
  fi
  sha="$(sha256sum "$reqs" | cut -c1-12)"
  dir="$VM/wheels/$sha-cp${pyver/./}"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    mkdir -p "$dir"
    # manylinux_2_39 stands for every older manylinux tag too (pip expands it); trixie has glibc 2.41.
    "$pip" download --quiet --disable-pip-version-check --only-binary=:all: --implementation cp \
      --python-version "$pyver" --abi "cp${pyver/./}" --platform manylinux_2_39_x86_64 --platform manylinux2014_x86_64 \
      --dest "$dir" --requirement "$reqs" >"$VM/wheelhouse.log" 2>&1 ||
      { tail -n 20 "$VM/wheelhouse.log" >&2; die "wheelhouse: pip download failed (log: $VM/wheelhouse.log)"; }
    touch "$dir/.complete"
  fi
  tar -C "$dir" -cf - --exclude=.complete . |
    ssh "${SSH_OPTS[@]}" root@127.0.0.1 -- 'rm -rf /var/cache/ciab-wheels && mkdir -p /var/cache/ciab-wheels && tar -C /var/cache/ciab-wheels -xf - --no-same-owner' ||
    die "wheelhouse: copy into the VM failed"
  ssh "${SSH_OPTS[@]}" root@127.0.0.1 -- 'cat >/etc/pip.conf' <<'EOF' || die "wheelhouse: cannot write the VM's /etc/pip.conf"
# The VM testbed's local package mirror (scripts/vm-testbed.sh wheelhouse): pinned wheels built on the host.
[global]
no-index = true
find-links = /var/cache/ciab-wheels
EOF
}

cmd_reboot() {
  qemu_pid >/dev/null || die "not running"
  ssh_opts
  # The overlay and the data disks live as long as qemu does: a guest reboot keeps them (direct kernel boot again).
  local boot_id
  boot_id="$(ssh "${SSH_OPTS[@]}" root@127.0.0.1 cat /proc/sys/kernel/random/boot_id)" || die "ssh failed"
  ssh "${SSH_OPTS[@]}" root@127.0.0.1 'systemctl reboot --no-block' >/dev/null 2>&1 || true
  local deadline=$((SECONDS + BOOT_TIMEOUT)) now
  while :; do
    now="$(ssh "${SSH_OPTS[@]}" -o ConnectTimeout=5 root@127.0.0.1 cat /proc/sys/kernel/random/boot_id 2>/dev/null)" || now=""
    [ -n "$now" ] && [ "$now" != "$boot_id" ] && break
    qemu_pid >/dev/null || { tail -n 40 "$RUN/serial.log" >&2; die "qemu exited during the reboot"; }
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 40 "$RUN/serial.log" >&2; die "no ssh ${BOOT_TIMEOUT}s after the reboot"; }
    sleep 2
  done
}

main() {
  RECIPE_ID="$(build_id)"
  local command="${1:-}"
  [ $# -gt 0 ] && shift
  case "$command" in
    deps) cmd_deps ;;
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    reboot) cmd_reboot ;;
    ssh) cmd_ssh "$@" ;;
    copy) cmd_copy "$@" ;;
    wheelhouse) cmd_wheelhouse "$@" ;;
    port) qemu_pid >/dev/null || die "not running"; cat "$RUN/ssh.port" ;;
    status) qemu_pid >/dev/null && ssh_ready ;;
    *) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
}

main "$@"
