#!/usr/bin/python
# Finds the host services that would hold kolla's ports or break its prechecks: TCP listeners on the addresses
# kolla's free-port prechecks connect to (wait_for state=stopped on api_interface_address and the VIP), and
# services kolla refuses by process, runtime path or systemd unit (libvirtd, nscd, …). Read-only: it reads /proc
# of the network and PID namespace it runs in (tests run it inside `ip netns exec` and a PID namespace) and, with
# systemd, asks `systemctl is-active`. Stopping is left to the playbook, for the services the user confirmed.
from __future__ import annotations

DOCUMENTATION = r"""
module: ciab_host_services
short_description: host services that clash with kolla's ports and prechecks
options:
  addresses: {type: list, elements: str, description: IPv4/IPv6 addresses kolla's free-port prechecks connect to}
  ports: {type: list, elements: dict, description: "[{port, needs}] kolla's ports for the enabled services"}
  known: {type: list, elements: dict, description: "[{name, processes, paths, units, breaks}] services kolla refuses"}
  prefix: {type: str, default: "", description: the sandbox root for the paths ("" on the machine)}
  systemd: {type: bool, default: false, description: systemd runs this machine (units and cgroups mean something)}
"""

import ipaddress
import os
import re

from ansible.module_utils.basic import AnsibleModule

# A listener's process name → the service name a Debian/Ubuntu package gives it (used without systemd, or when
# the process is not in a .service cgroup).
PACKAGE_SERVICE = {
    "mysqld": "mariadb",
    "mariadbd": "mariadb",
    "beam.smp": "rabbitmq-server",
    "epmd": "epmd",
    "apache2": "apache2",
    "httpd": "apache2",
    "nginx": "nginx",
    "memcached": "memcached",
    "haproxy": "haproxy",
    "tgtd": "tgt",
    "libvirtd": "libvirtd",
    "ovsdb-server": "openvswitch-switch",
    "iscsid": "iscsid",
}

LISTEN = "0A"


def decode_address(hex_addr):
    """/proc/net/tcp{,6} local address ("0100007F:0CEA") → (ip string, port)."""
    host, port = hex_addr.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = ipaddress.IPv4Address(raw[::-1])
    else:  # four little-endian 32-bit words
        ip = ipaddress.IPv6Address(b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
        if ip.ipv4_mapped:
            ip = ip.ipv4_mapped
    return str(ip), int(port, 16)


def listeners():
    """[(ip, port, inode)] of the TCP sockets listening in this network namespace."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if len(fields) > 9 and fields[3] == LISTEN:
                        ip, port = decode_address(fields[1])
                        found.append((ip, port, fields[9]))
        except FileNotFoundError:
            continue
    return found


def socket_owners():
    """socket inode → pid, over the processes this PID namespace shows."""
    owners = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    owners.setdefault(target[8:-1], int(pid))
        except OSError:
            continue  # gone, or not ours to read
    return owners


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def comm(pid):
    return read(f"/proc/{pid}/comm").strip()


def unit_of(pid):
    """The .service unit a process runs in (cgroup v2 or the v1 systemd hierarchy), or None."""
    for line in read(f"/proc/{pid}/cgroup").splitlines():
        match = re.search(r"/([^/]+)\.service$", line)
        if match and (line.startswith("0::") or ":name=systemd:" in line):
            return match.group(1)
    return None


def processes():
    """pid → process name, for this PID namespace."""
    return {int(pid): comm(pid) for pid in filter(str.isdigit, os.listdir("/proc"))}


def clashes_with(ip, addresses):
    """Would a connection to one of kolla's addresses reach a socket bound to ip?"""
    return ip in ("0.0.0.0", "::") or ip in addresses


def main():
    module = AnsibleModule(
        argument_spec=dict(
            addresses=dict(type="list", elements="str", required=True),
            ports=dict(type="list", elements="dict", required=True),
            known=dict(type="list", elements="dict", default=[]),
            prefix=dict(type="str", default=""),
            systemd=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    addresses = {str(ipaddress.ip_address(a)) for a in p["addresses"]}
    needs = {}
    for entry in p["ports"]:
        needs.setdefault(int(entry["port"]), entry["needs"])

    found = {}  # name → {"name", "units", "reasons"}

    def add(name, units, reason):
        entry = found.setdefault(name, {"name": name, "units": [], "reasons": []})
        entry["units"] += [u for u in units if u not in entry["units"]]
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)

    owners = socket_owners()
    for ip, port, inode in sorted(listeners(), key=lambda x: (x[1], x[0])):
        if port not in needs or not clashes_with(ip, addresses):
            continue
        pid = owners.get(inode)
        process = comm(pid) if pid else ""
        unit = unit_of(pid) if pid and p["systemd"] else None
        name = unit or PACKAGE_SERVICE.get(process) or process or f"port-{port}"
        holder = f"process {process}, pid {pid}" if pid else "process unknown"
        where = f"[{ip}]" if ":" in ip else ip
        add(name, [f"{unit or name}.service"] if (unit or process) else [],
            f"listens on {where}:{port} ({holder}), which kolla's {needs[port]} needs free")

    running = processes()
    for service in p["known"]:
        units = list(service.get("units") or [])
        reasons = []
        pids = sorted(pid for pid, name in running.items() if name in (service.get("processes") or []))
        if pids:
            reasons.append(f"runs (pid {', '.join(map(str, pids))})")
        # The first path found is enough (/var/run is a link to /run on the machine).
        path = next((x for x in service.get("paths") or [] if os.path.lexists(p["prefix"] + x)), None)
        if path:
            reasons.append(f"{path} exists")
        if p["systemd"] and units:
            rc, out, _ = module.run_command(["systemctl", "is-active"] + units)
            active = [u for u, state in zip(units, out.split()) if state in ("active", "activating", "reloading")]
            if active:
                reasons.append(f"{', '.join(active)} {'is' if len(active) == 1 else 'are'} active")
        if reasons:
            add(service["name"], units, f"{' and '.join(reasons)}: {service['breaks']}")

    module.exit_json(changed=False, clashes=list(found.values()))


if __name__ == "__main__":
    main()
