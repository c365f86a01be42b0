// The real target host: `ciab` run on a Debian 12 VM (systemd as PID 1, udev, virtio disks and NICs,
// ifupdown) booted under qemu/TCG by scripts/vm-testbed.sh. The VM is built once (cached outside the repo,
// in ${CIAB_CACHE:-~/.cache/ciab}/vm), started clean for this file and stopped in afterAll.
//
// The machine (see the script): vda = root disk (GPT, ext4 on vda1), vdb = 20 GiB and vdc = 40 GiB blank
// disks with serials (so udev makes /dev/disk/by-id links), NIC 52:54:00:c1:ab:01 with DHCP and the
// default route, NIC 52:54:00:c1:ab:02 unconfigured (down after boot: brought up here, without an address,
// as an admin does for the external interface candidate), 2 vCPUs, 2 GiB RAM.
// CIAB_VM_RECORD=FILE also saves `ciab detect --record` of the VM to FILE on this host.
//
// Skips, with the reason printed, when not root, when qemu/debootstrap cannot be installed, or with
// CIAB_SKIP_VM=1.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostFacts, type Disk, type Nic } from '../../src/model/facts.js';
import { describeIfAvailable, optedOut } from '../helpers/require.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'vm-testbed.sh');
const MGMT_MAC = '52:54:00:c1:ab:01';
const EXT_MAC = '52:54:00:c1:ab:02';
const GiB = 1024 ** 3;
/** What the project needs on the target host, copied in: this host's node runs there unchanged (same Debian). */
const PAYLOAD = ['bin', 'dist', 'node_modules', 'profiles', 'templates', 'ansible', 'package.json'];
// 2 GiB and 2 vCPUs are far below any profile. `time` too: the VM has no NTP service and could reach no NTP
// server anyway (the workplace network reaches package registries only), so its clock is never "synchronized"
// and the time check rightly blocks; the plan test checks that it does.
const PLAN_FLAGS = [
  '--profile', 'workshop',
  '--no-uplink-check',
  '--skip-check', 'cpu',
  '--skip-check', 'memory',
  '--skip-check', 'disk-space',
  '--skip-check', 'uplink',
  '--skip-check', 'time',
  '--state-dir', '/tmp/s',
];

function findSkipReason(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `needs linux/x64, this is ${process.platform}/${process.arch}`;
  if (process.getuid?.() !== 0) return 'not root (the testbed needs debootstrap, apt and qemu)';
  const deps = spawnSync('bash', [SCRIPT, 'deps'], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (deps.status !== 0) {
    const why = (deps.stderr || deps.error?.message || `exit ${deps.status}`).trim().split('\n').pop();
    return `qemu/debootstrap cannot be installed: ${why}`;
  }
  return null;
}

const optOut = optedOut('CIAB_SKIP_VM');
const skipReason = optOut ? null : findSkipReason();

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function testbed(args: string[], timeoutMs = 10 * 60_000): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT, ...args], { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A command in the VM; throws with its output when it fails (unless allowed to). */
async function inVm(args: string[], options: { allowFail?: boolean; timeoutMs?: number } = {}): Promise<Result> {
  const result = await testbed(['ssh', '--', ...args], options.timeoutMs);
  if (result.code !== 0 && !options.allowFail) {
    throw new Error(`in the VM: ${args.join(' ')} → exit ${result.code}\n${result.stderr}\n${result.stdout.slice(0, 4000)}`);
  }
  return result;
}

const ciab = (args: string[], timeoutMs?: number) => inVm(['env', 'NO_COLOR=1', 'ciab', ...args], { allowFail: true, timeoutMs });

function parseJson<T>(result: Result, what: string): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    throw new Error(`${what}: no valid JSON (exit ${result.code}: ${(error as Error).message})\nstderr:\n${result.stderr}\nstdout:\n${result.stdout.slice(0, 2000)}`);
  }
}

const timings: Record<string, number> = {};
const fileStarted = Date.now();

describeIfAvailable('ciab on a real Debian VM', skipReason, () => {
  let started = false;
  let extName = '';
  let mgmtName = '';
  let extWasUp = '';

  beforeAll(async () => {
    const build = await testbed(['build'], 30 * 60_000);
    timings.buildMs = build.ms;
    if (build.code !== 0) throw new Error(`vm-testbed build failed:\n${build.stderr}`);

    const start = await testbed(['start'], 15 * 60_000);
    timings.bootToSshMs = start.ms;
    started = true;
    if (start.code !== 0) throw new Error(`vm-testbed start failed:\n${start.stderr}`);

    // udev has finished with the boot's events before anything reads the disks.
    await inVm(['udevadm', 'settle', '--timeout=60']);

    const copied = Date.now();
    const node = await testbed(['copy', process.execPath, '/usr/local/bin'], 10 * 60_000);
    if (node.code !== 0) throw new Error(`copy node failed:\n${node.stderr}`);
    const app = await testbed(['copy', ...PAYLOAD.map((p) => path.join(ROOT, p)).filter((p) => existsSync(p)), '/opt/ciab'], 15 * 60_000);
    if (app.code !== 0) throw new Error(`copy app failed:\n${app.stderr}`);
    timings.copyMs = Date.now() - copied;
    await inVm(['sh', '-c', `[ -x /usr/local/bin/node ] || mv /usr/local/bin/${path.basename(process.execPath)} /usr/local/bin/node; ln -sf /opt/ciab/bin/ciab /usr/local/bin/ciab`]);

    // The NICs by the MACs the script gives them; the second one is left unconfigured by the image.
    const links = parseJson<Array<{ ifname: string; address?: string; operstate?: string; flags?: string[] }>>(await inVm(['ip', '-j', 'link', 'show']), 'ip -j link');
    mgmtName = links.find((l) => l.address === MGMT_MAC)?.ifname ?? '';
    extName = links.find((l) => l.address === EXT_MAC)?.ifname ?? '';
    if (!mgmtName || !extName) throw new Error(`NICs not found by MAC: ${JSON.stringify(links)}`);
    const ext = links.find((l) => l.ifname === extName)!;
    extWasUp = `${ext.operstate} (flags ${ext.flags?.join(',')})`;
    // Linux leaves an unconfigured NIC down: bring it up, without an address, as an admin does for kolla's
    // external interface, and wait for the carrier.
    await inVm(['sh', '-c', `ip link set dev ${extName} up; for i in $(seq 1 50); do [ "$(cat /sys/class/net/${extName}/operstate)" = up ] && exit 0; sleep 0.2; done; exit 1`]);
  }, 60 * 60_000);

  afterAll(async () => {
    if (started) await testbed(['stop'], 5 * 60_000);
    timings.fileMs = Date.now() - fileStarted;
    console.log(`vm.test: second NIC ${extName} before \`ip link set up\`: ${extWasUp}; timings (ms): ${JSON.stringify(timings)}`);
  }, 10 * 60_000);

  let facts: HostFacts;
  const disk = (name: string): Disk => {
    const found = facts.disks.find((d) => d.name === name);
    if (!found) throw new Error(`${name} not detected; got ${facts.disks.map((d) => d.name).join(', ')}`);
    return found;
  };
  const nic = (name: string): Nic => {
    const found = facts.nics.find((n) => n.name === name);
    if (!found) throw new Error(`${name} not detected; got ${facts.nics.map((n) => n.name).join(', ')}`);
    return found;
  };

  it('detect --json: valid HostFacts for the VM', async () => {
    const result = await ciab(['detect', '--json', '--no-uplink-check', '--record', '/tmp/recording.json']);
    timings.detectMs = result.ms;
    expect(result.code, result.stderr).toBe(0);
    const parsed = HostFacts.safeParse(parseJson(result, 'ciab detect --json'));
    if (!parsed.success) throw new Error(`detect --json does not match HostFacts: ${parsed.error.message}`);
    facts = parsed.data;
    // CIAB_VM_RECORD=FILE keeps the raw readings of this real host (the material for a test/fixtures/hosts fixture).
    const keep = process.env.CIAB_VM_RECORD;
    if (keep) writeFileSync(keep, (await inVm(['cat', '/tmp/recording.json'])).stdout);
  }, 5 * 60_000);

  it('disks: the root disk is not offered, the two blank virtio disks are, with by-id paths', () => {
    const root = disk('vda');
    expect(root.usable).toBe(false);
    expect(root.reasons[0]?.code).toBe('root-disk');
    expect(root.transport).toBe('virtio');
    expect(root.partitions.map((p) => p.name)).toEqual(['vda1']);
    expect(root.partitions[0]?.fstype).toBe('ext4');

    for (const [name, size] of [['vdb', 20], ['vdc', 40]] as const) {
      const d = disk(name);
      expect(d.reasons, name).toEqual([]);
      expect(d.usable).toBe(true);
      expect(d.transport).toBe('virtio');
      expect(d.sizeBytes).toBe(size * GiB);
      expect(d.serial).toBe(`ciab-data-${size}g`);
      expect(d.byId).toBe(`/dev/disk/by-id/virtio-ciab-data-${size}g`);
      expect(d.signatures).toEqual([]);
    }
  });

  it('NICs: both virtio_net and physical; the default route is management, the bare second NIC external', () => {
    const mgmt = nic(mgmtName);
    expect(mgmt).toMatchObject({ kind: 'physical', driver: 'virtio_net', defaultRoute: true, role: 'management', mac: MGMT_MAC });
    expect(mgmt.addresses.some((a) => a.family === 'inet' && a.address.startsWith('10.0.2.'))).toBe(true);
    expect(facts.network.defaultRoute).toEqual({ interface: mgmtName, gateway: '10.0.2.2' });

    const ext = nic(extName);
    expect(ext).toMatchObject({ kind: 'physical', driver: 'virtio_net', defaultRoute: false, role: 'external', operstate: 'up', carrier: true, mac: EXT_MAC });
    expect(ext.addresses.filter((a) => a.family === 'inet')).toEqual([]);
    expect(facts.nics.filter((n) => n.role === 'external').map((n) => n.name)).toEqual([extName]);
  });

  it('OS, init, network system, memory and CPUs are what the VM is', () => {
    expect(facts.os).toMatchObject({ id: 'debian', versionId: '12', codename: 'bookworm', init: 'systemd', networkConfig: 'ifupdown' });
    expect(facts.os.privilege.root).toBe(true);
    expect(facts.system.virtual).toBe(true);
    expect(facts.system.hypervisor).toBe('qemu'); // TCG: no KVM underneath
    expect(facts.system.firmware).toBe('bios');
    expect(facts.network.hostname).toBe('ciab-vm');
    // -m 2048: the kernel keeps some for itself.
    expect(facts.memory.totalBytes).toBeGreaterThan(1.5 * GiB);
    expect(facts.memory.totalBytes).toBeLessThanOrEqual(2 * GiB);
    // -smp 2
    expect(facts.cpu).toMatchObject({ sockets: 1, cores: 2, threads: 2 });
    expect(facts.cpu.arch).toBe('x64');
  });

  it('plan --json: workshop on lvm with the larger blank disk, local access, management = the default-route NIC', async () => {
    const result = await ciab(['plan', '--json', ...PLAN_FLAGS]);
    timings.planMs = result.ms;
    const out = parseJson<{ plan: import('../../src/model/plan.js').DeploymentPlan | null; findings: Array<{ id: string; severity: string; skipped?: boolean; message: string }> }>(result, 'ciab plan --json');
    expect(result.code, `${result.stderr}\n${JSON.stringify(out.findings.filter((f) => f.severity === 'block'), null, 1)}`).toBe(0);
    // The blocks this VM really has: the skipped ones, and nothing else.
    const blocks = out.findings.filter((f) => f.severity === 'block');
    expect(blocks.filter((f) => !f.skipped)).toEqual([]);
    // The VM's clock is not synchronized; timedatectl may still time out under load (retried once), and then
    // detection says "unknown" (a warning), never "synchronized".
    const time = out.findings.find((f) => f.id === 'time');
    expect(time?.message).toMatch(/not synchronized.*no NTP service|synchronization unknown and no NTP service seen/);
    const plan = out.plan!;
    expect(plan.profile.id).toBe('workshop');
    expect(plan.storage.backend).toBe('lvm');
    expect(plan.storage.disks.map((d) => d.path)).toEqual(['/dev/vdc']);
    expect(plan.storage.disks[0]?.byId).toBe('/dev/disk/by-id/virtio-ciab-data-40g');
    expect(plan.network.access).toBe('local');
    expect(plan.network.localBridge).not.toBeNull();
    expect(plan.network.externalInterface).toBe(plan.network.localBridge!.vethKolla);
    expect(plan.host.managementInterface).toBe(mgmtName);
    expect(plan.host.managementIp).toMatch(/^10\.0\.2\.\d+$/);
    expect(plan.host.networkConfig).toBe('ifupdown');
    expect(plan.host.os).toEqual({ id: 'debian', codename: 'bookworm' });
  }, 5 * 60_000);

  it('render --out: the files exist with their modes; the host network is ifupdown', async () => {
    const result = await ciab(['render', '--out', '/tmp/out', ...PLAN_FLAGS], 15 * 60_000);
    timings.renderMs = result.ms;
    expect(result.code, result.stderr).toBe(0);
    const listing = await inVm(['find', '/tmp/out', '-type', 'f', '-printf', '%m %P\\n']);
    const modes = new Map(listing.stdout.trim().split('\n').map((line) => [line.slice(line.indexOf(' ') + 1), line.slice(0, line.indexOf(' '))]));
    expect(modes.get('kolla/passwords.yml')).toBe('600');
    expect(modes.get('kolla/globals.yml')).toBe('644');
    expect(modes.has('kolla/inventory') || [...modes.keys()].some((f) => f.startsWith('kolla/') && f.includes('inventory'))).toBe(true);
    expect(modes.get('openstack/admin-openrc.sh')).toBe('600');
    expect(modes.get('host/etc/network/interfaces.d/60-ciab')).toBeDefined();
    expect([...modes.keys()].filter((f) => f.startsWith('host/etc/netplan/'))).toEqual([]);

    const stanza = (await inVm(['cat', '/tmp/out/host/etc/network/interfaces.d/60-ciab'])).stdout;
    expect(stanza).toMatch(/^iface ciab-br0 inet static$/m);
  }, 20 * 60_000);

  it('the rendered ifupdown stanza works on the real ifupdown: ifup makes the bridge and veth pair, ifdown removes them', async () => {
    // Installed where the render says it goes; Debian's /etc/network/interfaces sources interfaces.d.
    await inVm(['install', '-m', '0644', '/tmp/out/host/etc/network/interfaces.d/60-ciab', '/etc/network/interfaces.d/60-ciab']);
    try {
      const listed = await inVm(['ifquery', '--list', '--allow=auto']);
      expect(listed.stdout.split('\n')).toContain('ciab-br0');
      await inVm(['ifup', 'ciab-br0']);
      const addr = parseJson<Array<{ ifname: string; master?: string; operstate: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>>(await inVm(['ip', '-j', 'addr', 'show']), 'ip -j addr');
      const br = addr.find((l) => l.ifname === 'ciab-br0');
      expect(br?.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual(['10.20.20.1/24']);
      expect(addr.find((l) => l.ifname === 'ciab-veth-br')?.master).toBe('ciab-br0');
      expect(addr.find((l) => l.ifname === 'ciab-veth-ext')?.operstate).toBe('UP');
      // The management NIC is untouched.
      expect(addr.find((l) => l.ifname === mgmtName)?.addr_info.some((a) => a.family === 'inet')).toBe(true);
      await inVm(['ifdown', 'ciab-br0']);
      const after = parseJson<Array<{ ifname: string }>>(await inVm(['ip', '-j', 'link', 'show']), 'ip -j link').map((l) => l.ifname);
      expect(after.filter((n) => n.startsWith('ciab-'))).toEqual([]);
    } finally {
      await inVm(['sh', '-c', 'ifdown ciab-br0 2>/dev/null; rm -f /etc/network/interfaces.d/60-ciab'], { allowFail: true });
    }
  }, 5 * 60_000);

  it('a filesystem written on a blank disk makes it has-signature (lsblk reads it from udev)', async () => {
    await inVm(['sh', '-c', 'mkfs.ext4 -q -F /dev/vdb && udevadm settle --timeout=60']);
    try {
      const udev = await inVm(['udevadm', 'info', '--query=property', '--name=/dev/vdb']);
      expect(udev.stdout).toMatch(/^ID_FS_TYPE=ext4$/m);
      const result = await ciab(['detect', '--json', '--no-uplink-check']);
      expect(result.code, result.stderr).toBe(0);
      facts = HostFacts.parse(parseJson(result, 'ciab detect --json'));
      const vdb = disk('vdb');
      expect(vdb.usable).toBe(false);
      expect(vdb.signatures).toEqual(['ext4']);
      expect(vdb.reasons.map((r) => r.code)).toEqual(['has-signature']);
      expect(disk('vdc').usable).toBe(true);
      // Nothing needed blkid's fallback: udev described every disk.
      expect(facts.notes.filter((n) => n.fact === 'disks')).toEqual([]);
    } finally {
      await inVm(['sh', '-c', 'wipefs -q -a /dev/vdb && udevadm settle --timeout=60'], { allowFail: true });
    }
  }, 5 * 60_000);
}, optOut);
