#!/usr/bin/python
# ciab's block in /etc/hosts: the management IP for the host name (kolla's RabbitMQ precheck needs the name to
# resolve to api_interface's address only, K01). Lines that map the name elsewhere (Debian's "127.0.1.1 host")
# are taken out and kept, commented, inside the block, so that state=absent puts them back where they were.
from __future__ import annotations

DOCUMENTATION = r"""
module: ciab_etc_hosts
short_description: ciab's marked block in /etc/hosts, mapping the host name to the management IP
options:
  path: {type: path, default: /etc/hosts}
  ip: {type: str, description: the management IP}
  names: {type: list, elements: str, description: the fully qualified name and the short name}
  state: {type: str, choices: [present, absent], default: present}
"""

import ipaddress
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

BEGIN = "# BEGIN ciab: the management IP for this host (ciab teardown removes this block and restores lines kept in it)"
END = "# END ciab"
KEPT = "# ciab kept: "


def split_block(lines):
    """(before, block lines, after); block is None without a block."""
    try:
        start = lines.index(BEGIN)
        end = lines.index(END, start)
    except ValueError:
        return lines, None, []
    return lines[:start], lines[start + 1 : end], lines[end + 1 :]


def conflicts(line, names, ip):
    """A hosts line that maps one of our names to another IPv4 address (IPv6 lines do not matter to RabbitMQ)."""
    fields = line.split("#", 1)[0].split()
    if len(fields) < 2:
        return False
    try:
        addr = ipaddress.ip_address(fields[0])
    except ValueError:
        return False
    return addr.version == 4 and str(addr) != ip and any(n in fields[1:] for n in names)


def present(lines, ip, names):
    before, block, after = split_block(lines)
    kept = [l[len(KEPT) :] for l in (block or []) if l.startswith(KEPT)]
    rest = before + after
    at = len(before) if block is not None else None
    out = []
    for line in rest:
        if conflicts(line, names, ip):
            kept.append(line)
            if at is None:
                at = len(out)
        else:
            out.append(line)
    if at is None:
        # After the localhost line, like Debian's own "127.0.1.1" line; at the end without one.
        at = next((i + 1 for i, l in enumerate(out) if l.split()[:1] == ["127.0.0.1"]), len(out))
    new_block = [BEGIN] + [KEPT + k for k in kept] + [f"{ip} {' '.join(names)}", END]
    return out[:at] + new_block + out[at:]


def absent(lines):
    before, block, after = split_block(lines)
    if block is None:
        return lines
    return before + [l[len(KEPT) :] for l in block if l.startswith(KEPT)] + after


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/hosts"),
            ip=dict(type="str"),
            names=dict(type="list", elements="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ("ip", "names"))],
        supports_check_mode=True,
    )
    p = module.params
    path = p["path"]
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        if p["state"] == "absent":
            module.exit_json(changed=False)
        text = ""
    lines = text.splitlines()
    if p["state"] == "present":
        try:
            ipaddress.ip_address(p["ip"])
        except ValueError:
            module.fail_json(msg=f"ciab_etc_hosts: ip {p['ip']!r} is not an IP address")
        names = list(dict.fromkeys(n for n in p["names"] if n))
        new_lines = present(lines, p["ip"], names)
    else:
        new_lines = absent(lines)
    new_text = "\n".join(new_lines) + ("\n" if new_lines and (text.endswith("\n") or not text) else "")
    changed = new_text != text
    result = dict(changed=changed, diff=dict(before=text, after=new_text, before_header=path, after_header=path))
    if changed and not module.check_mode:
        st = os.stat(path) if os.path.exists(path) else None
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", prefix=".ciab-hosts-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new_text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, st.st_mode & 0o7777 if st else 0o644)
        if st:
            os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, path)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
