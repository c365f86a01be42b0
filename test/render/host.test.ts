// Host network and storage files, by content for every format and both access modes; then checked by the real
// tools where they run here: `netplan generate` and `systemd-analyze verify`.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RenderedFile } from '../../src/model/files.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { HOST_TEMPLATES } from '../helpers/inputs.js';
import { renderHostFiles } from '../../src/render/host.js';
import { fixturePlan } from '../helpers/plans.js';
import { describeIfAvailable } from '../helpers/require.js';

type Format = DeploymentPlan['host']['networkConfig'];
const FORMATS: Format[] = ['netplan', 'networkd', 'ifupdown', 'NetworkManager', 'unknown'];

let local: DeploymentPlan; // laptop: local access, lvm-file
let lan: DeploymentPlan; // server: LAN access on enp65s0f0, lvm on a disk
let diskLvm: DeploymentPlan; // cloud VM: local access, lvm on /dev/vdb

beforeAll(async () => {
  [local, lan, diskLvm] = await Promise.all([fixturePlan('laptop-workshop'), fixturePlan('server-edge-lan'), fixturePlan('cloud-vm-workshop-qemu')]);
});

const withFormat = (plan: DeploymentPlan, networkConfig: Format): DeploymentPlan => ({ ...plan, host: { ...plan.host, networkConfig } });
const byPath = (files: RenderedFile[]) => Object.fromEntries(files.map((f) => [f.path, f]));
const content = (files: RenderedFile[], p: string): string => {
  const found = files.find((f) => f.path === p);
  if (!found) throw new Error(`no ${p} in ${files.map((f) => f.path).join(', ')}`);
  return found.content;
};
/** Key=value lines of one [Section] of a systemd-style ini file. */
function section(text: string, name: string): string[] {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^\[.*\]$/.test(line)) inside = line === `[${name}]`;
    else if (inside && line && !line.startsWith('#')) out.push(line);
  }
  return out;
}

describe('every file', () => {
  it('starts with a comment saying ciab wrote it, for which plan, and how to undo it', () => {
    for (const format of FORMATS) {
      for (const plan of [local, lan, diskLvm]) {
        for (const f of renderHostFiles(withFormat(plan, format), HOST_TEMPLATES)) {
          const body = f.content.replace(/^#!\/bin\/sh\n/, '');
          expect(body, f.path).toMatch(new RegExp(`^# Written by ciab \\(Cloud-in-a-Box\\) for the ${plan.profile.id} plan on ${plan.host.hostname}: `));
          expect(body, f.path).toMatch(/\n# To undo:\n# {3}\S/);
          expect(f.content, f.path).not.toMatch(/\{\{|\}\}/);
          expect(f.path).toMatch(/^host\/(etc|usr\/local\/sbin)\//);
          expect(f.secret).toBe(false);
          expect(f.mode, f.path).toBe(f.path.includes('/sbin/') ? 0o755 : f.path.includes('/netplan/') || f.path.endsWith('.nmconnection') ? 0o600 : 0o644);
          if (f.path.includes('/sbin/')) expect(f.content.startsWith('#!/bin/sh\n')).toBe(true);
        }
      }
    }
  });

  it('never names the management interface in a network file, except as the NAT way out', () => {
    for (const format of FORMATS) {
      for (const plan of [local, lan]) {
        const mgmt = plan.host.managementInterface;
        for (const f of renderHostFiles(withFormat(plan, format), HOST_TEMPLATES)) {
          if (/ciab-nat/.test(f.path)) continue;
          expect(f.content.split('\n').filter((l) => !l.startsWith('#')).join('\n'), f.path).not.toContain(mgmt);
        }
      }
    }
  });

  it('refuses to render a plan that would reconfigure the management interface', () => {
    const bad = { ...lan, network: { ...lan.network, externalInterface: lan.host.managementInterface } };
    expect(() => renderHostFiles(bad, HOST_TEMPLATES)).toThrow(/management interface/);
  });
});

describe('local access', () => {
  it('systemd-networkd: bridge with the floating gateway, veth pair, kolla end up without any address', () => {
    const files = renderHostFiles(withFormat(local, 'networkd'), HOST_TEMPLATES);
    const b = local.network.localBridge!;
    expect(b).toMatchObject({ bridge: 'ciab-br0', vethHost: 'ciab-veth-br', vethKolla: 'ciab-veth-ext', gatewayCidr: '10.20.20.1/24' });
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        'host/etc/systemd/network/10-ciab-br0.netdev',
        'host/etc/systemd/network/10-ciab-br0.network',
        'host/etc/systemd/network/10-ciab-veth-br.netdev',
        'host/etc/systemd/network/10-ciab-veth-br.network',
        'host/etc/systemd/network/10-ciab-veth-ext.network',
        'host/etc/sysctl.d/60-ciab.conf',
        'host/etc/systemd/system/ciab-nat.service',
        'host/usr/local/sbin/ciab-nat',
        'host/etc/systemd/system/ciab-cinder-loop.service',
        'host/usr/local/sbin/ciab-cinder-loop',
      ].sort(),
    );
    const dir = 'host/etc/systemd/network/';
    expect(section(content(files, `${dir}10-ciab-br0.netdev`), 'NetDev')).toEqual(['Name=ciab-br0', 'Kind=bridge']);
    const bridge = content(files, `${dir}10-ciab-br0.network`);
    expect(section(bridge, 'Match')).toEqual(['Name=ciab-br0']);
    expect(section(bridge, 'Network')).toEqual(expect.arrayContaining(['Address=10.20.20.1/24', 'LinkLocalAddressing=no', 'IPv6AcceptRA=no', 'ConfigureWithoutCarrier=yes']));
    expect(section(bridge, 'Link')).toEqual(['RequiredForOnline=no']);
    const veth = content(files, `${dir}10-ciab-veth-br.netdev`);
    expect(section(veth, 'NetDev')).toEqual(['Name=ciab-veth-br', 'Kind=veth']);
    expect(section(veth, 'Peer')).toEqual(['Name=ciab-veth-ext']);
    expect(section(content(files, `${dir}10-ciab-veth-br.network`), 'Network')).toEqual(expect.arrayContaining(['Bridge=ciab-br0', 'LinkLocalAddressing=no']));
    const kolla = section(content(files, `${dir}10-ciab-veth-ext.network`), 'Network');
    expect(kolla).toEqual(expect.arrayContaining(['DHCP=no', 'LinkLocalAddressing=no', 'IPv6AcceptRA=no']));
    expect(kolla.filter((l) => /^(Address|Gateway|Bridge)=/.test(l))).toEqual([]);
    expect(content(files, 'host/etc/sysctl.d/60-ciab.conf')).toMatch(/^net\.ipv4\.ip_forward = 1$/m);
    expect(content(files, 'host/etc/sysctl.d/60-ciab.conf')).toMatch(/^net\.ipv6\.conf\.ciab-veth-ext\.disable_ipv6 = 1$/m);
    // networkd is this host's own system: no excuse in the header, no NetworkManager snippet.
    expect(content(files, `${dir}10-ciab-br0.netdev`)).not.toMatch(/NetworkManager/);
  });

  it('netplan: systemd-networkd files (netplan < 0.107 has no veth), saying why, and NetworkManager kept off', () => {
    const files = renderHostFiles(withFormat(local, 'netplan'), HOST_TEMPLATES);
    expect(files.some((f) => f.path.startsWith('host/etc/netplan/'))).toBe(false);
    expect(content(files, 'host/etc/systemd/network/10-ciab-veth-br.netdev')).toMatch(/^# netplan host: systemd-networkd files rather than netplan YAML, because netplan before 0\.107/m);
    expect(content(files, 'host/etc/NetworkManager/conf.d/60-ciab.conf')).toMatch(
      /^match-device=interface-name:ciab-br0;interface-name:ciab-veth-br;interface-name:ciab-veth-ext\nmanaged=0$/m,
    );
  });

  it('NetworkManager: keyfiles for the bridge and the veth pair (checked by nmcli in nm-keyfiles.test.ts), no networkd files', () => {
    const files = renderHostFiles(withFormat(local, 'NetworkManager'), HOST_TEMPLATES);
    expect(files.filter((f) => /NetworkManager|systemd\/network/.test(f.path)).map((f) => f.path)).toEqual([
      'host/etc/NetworkManager/system-connections/ciab-br0.nmconnection',
      'host/etc/NetworkManager/system-connections/ciab-veth-br.nmconnection',
      'host/etc/NetworkManager/system-connections/ciab-veth-ext.nmconnection',
    ]);
  });

  it.each(['unknown'] as const)('%s: falls back to systemd-networkd files with a note why', (format) => {
    const files = byPath(renderHostFiles(withFormat(local, format), HOST_TEMPLATES));
    const netdev = files['host/etc/systemd/network/10-ciab-br0.netdev']!.content;
    expect(netdev).toMatch(/^# Network configuration system not recognised: written for systemd-networkd/m);
    expect(netdev).toMatch(/systemctl enable --now systemd-networkd/);
    expect(files['host/etc/NetworkManager/conf.d/60-ciab.conf']).toBeDefined();
  });

  it('ifupdown: one interfaces.d stanza that creates the pair with ip link in pre-up, no bridge-utils', () => {
    const files = renderHostFiles(withFormat(local, 'ifupdown'), HOST_TEMPLATES);
    expect(files.some((f) => f.path.includes('systemd/network'))).toBe(false);
    const stanza = content(files, 'host/etc/network/interfaces.d/60-ciab');
    expect(stanza).toMatch(/^auto ciab-br0\niface ciab-br0 inet static\n {4}address 10\.20\.20\.1\/24$/m);
    expect(stanza).toMatch(/^ {4}pre-up ip link show dev ciab-veth-br >\/dev\/null 2>&1 \|\| ip link add ciab-veth-br type veth peer name ciab-veth-ext$/m);
    expect(stanza).toMatch(/^ {4}pre-up ip link set dev ciab-veth-br master ciab-br0$/m);
    expect(stanza).toMatch(/^ {4}pre-up ip link set dev ciab-veth-ext up$/m);
    expect(stanza).not.toMatch(/bridge_ports/);
    expect(stanza).not.toMatch(/iface ciab-veth-ext/);
  });

  it('NAT: a oneshot unit after network-online running an idempotent script for the floating CIDR out of any link but the bridge', () => {
    const files = renderHostFiles(local, HOST_TEMPLATES);
    const unit = content(files, 'host/etc/systemd/system/ciab-nat.service');
    expect(section(unit, 'Unit')).toEqual(expect.arrayContaining(['Wants=network-online.target', 'After=network-online.target nftables.service']));
    // W12: `systemctl restart|reload nftables` flushes the ruleset; the unit follows it and re-applies its table.
    expect(section(unit, 'Unit')).toEqual(expect.arrayContaining(['PartOf=nftables.service', 'ReloadPropagatedFrom=nftables.service']));
    expect(section(unit, 'Service')).toEqual([
      'Type=oneshot',
      'RemainAfterExit=yes',
      'ExecStart=/usr/local/sbin/ciab-nat start',
      'ExecReload=/usr/local/sbin/ciab-nat start',
      'ExecStop=/usr/local/sbin/ciab-nat stop',
    ]);
    expect(section(unit, 'Install')).toEqual(['WantedBy=multi-user.target']);
    const nat = content(files, 'host/usr/local/sbin/ciab-nat');
    expect(nat).toMatch(/^CIDR='10\.20\.20\.0\/24'$/m);
    // W12: not pinned to the management NIC (a laptop moving from Wi-Fi to cable keeps its instances online).
    expect(nat).toMatch(/^BRIDGE='ciab-br0'$/m);
    expect(nat).not.toMatch(new RegExp(`'${local.host.managementInterface}'`));
    expect(nat).toMatch(/masquerade/);
    expect(nat).toMatch(/MASQUERADE/);
  });
});

describe('LAN access', () => {
  it('has no bridge, veth or NAT in any format', () => {
    for (const format of FORMATS) {
      const text = renderHostFiles(withFormat(lan, format), HOST_TEMPLATES).map((f) => `${f.path}\n${f.content}`).join('\n');
      expect(text).not.toMatch(/ciab-br0|ciab-veth|ciab-nat|ip_forward/);
    }
  });

  it('netplan: the external NIC without DHCP, RA or link-local, optional, and no renderer of its own', () => {
    const files = renderHostFiles(withFormat(lan, 'netplan'), HOST_TEMPLATES);
    const yaml = content(files, 'host/etc/netplan/60-ciab.yaml');
    expect(parseYaml(yaml)).toEqual({
      network: { version: 2, ethernets: { enp65s0f0: { dhcp4: false, dhcp6: false, 'accept-ra': false, 'link-local': [], optional: true } } },
    });
    expect(files.find((f) => f.path.endsWith('60-ciab.yaml'))!.mode).toBe(0o600);
    expect(files.some((f) => f.path.includes('NetworkManager'))).toBe(false);
  });

  it('networkd: one .network that brings the NIC up with no address', () => {
    const files = renderHostFiles(withFormat(lan, 'networkd'), HOST_TEMPLATES).filter((f) => !f.path.includes('ciab-certs-renew'));
    expect(files.map((f) => f.path).sort()).toEqual(['host/etc/sysctl.d/60-ciab.conf', 'host/etc/systemd/network/10-ciab-enp65s0f0.network']);
    const network = content(files, 'host/etc/systemd/network/10-ciab-enp65s0f0.network');
    expect(section(network, 'Match')).toEqual(['Name=enp65s0f0']);
    expect(section(network, 'Network')).toEqual(expect.arrayContaining(['DHCP=no', 'LinkLocalAddressing=no', 'IPv6AcceptRA=no']));
    expect(content(files, 'host/etc/sysctl.d/60-ciab.conf')).toMatch(/^net\.ipv6\.conf\.enp65s0f0\.disable_ipv6 = 1$/m);
  });

  it('NetworkManager: a keyfile that keeps the NIC up without addresses, and no networkd file', () => {
    const files = renderHostFiles(withFormat(lan, 'NetworkManager'), HOST_TEMPLATES);
    const keyfile = content(files, 'host/etc/NetworkManager/system-connections/ciab-enp65s0f0.nmconnection');
    expect(section(keyfile, 'ipv4')).toEqual(['method=disabled']);
    expect(section(keyfile, 'ipv6')).toEqual(['method=disabled']);
    expect(files.some((f) => f.path.includes('/systemd/network/') || f.path.includes('/conf.d/'))).toBe(false);
  });

  it('ifupdown: a manual stanza, link up, no address', () => {
    const stanza = content(renderHostFiles(withFormat(lan, 'ifupdown'), HOST_TEMPLATES), 'host/etc/network/interfaces.d/60-ciab');
    expect(stanza).toMatch(/^auto enp65s0f0\niface enp65s0f0 inet manual$/m);
    expect(stanza).toMatch(/^ {4}up ip link set dev enp65s0f0 up$/m);
    expect(stanza.split('\n').filter((l) => !l.startsWith('#')).join('\n')).not.toMatch(/address|dhcp/);
  });
});

describe('storage', () => {
  it('lvm-file: a oneshot unit before docker running the attach script for the plan\'s file and volume group', () => {
    const files = renderHostFiles(local, HOST_TEMPLATES);
    const unit = content(files, 'host/etc/systemd/system/ciab-cinder-loop.service');
    expect(section(unit, 'Unit')).toEqual(expect.arrayContaining(['RequiresMountsFor=/var/lib/ciab/cinder-volumes.img', 'Before=docker.service']));
    expect(section(unit, 'Service')).toEqual(['Type=oneshot', 'RemainAfterExit=yes', 'ExecStart=/usr/local/sbin/ciab-cinder-loop start']);
    const sh = content(files, 'host/usr/local/sbin/ciab-cinder-loop');
    expect(sh).toMatch(/^FILE='\/var\/lib\/ciab\/cinder-volumes\.img'$/m);
    expect(sh).toMatch(/^VG='cinder-volumes'$/m);
    expect(sh).toMatch(/losetup -j "\$FILE"/);
    expect(sh).toMatch(/losetup --find --show "\$FILE"/);
  });

  it('lvm on a disk and LAN-access edge: no loop unit', () => {
    for (const plan of [diskLvm, lan]) expect(renderHostFiles(plan, HOST_TEMPLATES).some((f) => f.path.includes('cinder-loop'))).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------
// Real validation with the real tools.

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** Write rendered files under root (host/ stripped), as the writer would. */
function writeUnder(root: string, files: RenderedFile[]): void {
  for (const f of files) {
    const target = path.join(root, f.path.replace(/^host\//, ''));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    chmodSync(target, f.mode);
  }
}

const netplanSkip = has('netplan') ? null : 'netplan is not installed (apt: netplan.io)';

describeIfAvailable('netplan generate', netplanSkip, () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ciab-netplan-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('accepts the LAN-access file and generates an unaddressed networkd config for the NIC', () => {
    writeUnder(root, renderHostFiles(withFormat(lan, 'netplan'), HOST_TEMPLATES));
    const result = spawnSync('netplan', ['generate', '--root-dir', root], { encoding: 'utf8' });
    expect(result.status, `netplan generate failed:\n${result.stderr}`).toBe(0);
    expect(result.stderr).not.toMatch(/error|too open/i);
    const generated = path.join(root, 'run', 'systemd', 'network');
    const network = readFileSync(path.join(generated, '10-netplan-enp65s0f0.network'), 'utf8');
    expect(network).toMatch(/^Name=enp65s0f0$/m);
    expect(network).toMatch(/^LinkLocalAddressing=no$/m);
    expect(network).toMatch(/^IPv6AcceptRA=no$/m);
    expect(network).not.toMatch(/^(Address|DHCP=(yes|ipv4|ipv6))/m);
    expect(readdirSync(generated).filter((f) => f.endsWith('.netdev'))).toEqual([]);
  });

  it('rejects a broken file (the check is real)', () => {
    const broken = mkdtempSync(path.join(os.tmpdir(), 'ciab-netplan-bad-'));
    try {
      mkdirSync(path.join(broken, 'etc', 'netplan'), { recursive: true });
      writeFileSync(path.join(broken, 'etc', 'netplan', '60-ciab.yaml'), 'network:\n  version: 2\n  ethernets:\n    eth9:\n      dhcp4: maybe\n', { mode: 0o600 });
      expect(spawnSync('netplan', ['generate', '--root-dir', broken], { encoding: 'utf8' }).status).not.toBe(0);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});

/** systemd-analyze verify works without systemd as PID 1 on this machine? (It needs only the unit files.) */
function analyzeUnavailable(): string | null {
  if (!has('systemd-analyze')) return 'systemd-analyze is not installed (apt: systemd)';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-analyze-probe-'));
  try {
    writeFileSync(path.join(dir, 'probe.service'), '[Service]\nType=oneshot\nExecStart=/bin/true\n');
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, 'probe.service')], { encoding: 'utf8' });
    return r.status === 0 ? null : `systemd-analyze verify does not work here: ${r.stderr.trim().split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const analyzeSkip = analyzeUnavailable();

describeIfAvailable('systemd-analyze verify', analyzeSkip, () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ciab-units-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('accepts ciab-nat.service and ciab-cinder-loop.service, with their scripts in place', () => {
    const files = renderHostFiles(local, HOST_TEMPLATES);
    writeUnder(root, files);
    const units = files.filter((f) => f.path.endsWith('.service'));
    expect(units.map((u) => path.basename(u.path)).sort()).toEqual(['ciab-cinder-loop.service', 'ciab-nat.service']);
    // verify checks that ExecStart= is executable; --root would also need the distribution's units (sysinit.target)
    // inside the root, so the copies under test point at the scripts written into the temp folder instead.
    const sbin = path.join(root, 'usr', 'local', 'sbin');
    const copies = units.map((u) => {
      const copy = path.join(root, path.basename(u.path));
      writeFileSync(copy, u.content.replaceAll('/usr/local/sbin', sbin));
      expect(readFileSync(copy, 'utf8')).toContain(`ExecStart=${sbin}/`);
      return copy;
    });
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...copies], { encoding: 'utf8' });
    // Unknown keys and bad values are only warnings (exit 0): any output about our units is a failure.
    const ours = result.stderr.split('\n').filter((l) => /ciab/.test(l));
    expect(ours, result.stderr).toEqual([]);
    expect(result.status, result.stderr).toBe(0);
  });

  it('flags a unit with a typo (the check is real)', () => {
    const dir = path.join(root, 'bad');
    mkdirSync(dir, { recursive: true });
    const unit = path.join(dir, 'ciab-bad.service');
    writeFileSync(unit, content(renderHostFiles(local, HOST_TEMPLATES), 'host/etc/systemd/system/ciab-nat.service').replace('Type=oneshot', 'Type=oneshoot'));
    const result = spawnSync('systemd-analyze', ['verify', '--man=no', unit], { encoding: 'utf8' });
    expect(result.stderr).toMatch(/ciab-bad\.service:\d+: Failed to parse service type/);
  });
});

describeIfAvailable('the scripts', has('sh') ? null : 'no sh', () => {
  it('are valid POSIX shell (sh -n)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-sh-'));
    try {
      for (const f of renderHostFiles(local, HOST_TEMPLATES).filter((x) => x.mode === 0o755)) {
        const p = path.join(dir, path.basename(f.path));
        writeFileSync(p, f.content);
        const r = spawnSync(has('dash') ? 'dash' : 'sh', ['-n', p], { encoding: 'utf8' });
        expect(r.status, `${f.path}: ${r.stderr}`).toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse an unknown command', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-sh-'));
    try {
      for (const f of renderHostFiles(local, HOST_TEMPLATES).filter((x) => x.mode === 0o755)) {
        const p = path.join(dir, path.basename(f.path));
        writeFileSync(p, f.content, { mode: 0o755 });
        const r = spawnSync(p, ['bogus'], { encoding: 'utf8' });
        expect(r.status, f.path).toBe(2);
        expect(r.stderr).toMatch(/^usage: /);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
