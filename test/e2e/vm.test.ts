// The real target host: `ciab install` on a Debian 13 "trixie" VM (systemd as PID 1, udev, virtio disks and
// NICs, ifupdown) booted under qemu/TCG by scripts/vm-testbed.sh. The VM is built once (cached outside the repo,
// in ${CIAB_CACHE:-~/.cache/ciab}/vm), started clean for this file and stopped in afterAll.
//
// The machine (see the script): vda = root disk (GPT, ext4 on vda1), vdb = 40 GiB blank (the cinder VG goes
// there), vdc = 20 GiB holding ext4 labelled ciab-keep (must never be touched), NIC 52:54:00:c1:ab:01 with DHCP
// and the default route, NIC 52:54:00:c1:ab:02 unconfigured, 2 vCPUs, 6 GiB RAM.
//
// The flow, one step after the other (each prints its duration): detect; install --until kolla-prechecks, stopped
// with SIGINT during prepare-host; install again (finishes: prepare-host for real, then kolla's prechecks with
// --use-test-images); --until kolla-pull (fails: no registry here; the failure summary names K10 and the resume
// command); install --until kolla-prechecks again (nothing runs); reboot (network, NAT, VG, /etc/hosts back;
// status); destroy --yes (all gone but what is left on purpose); the ext4 disk unchanged throughout.
// `npm run test:e2e` (CIAB_VM_INSTALL=1; CI runs it) runs the whole flow, about 30 minutes under TCG (quiet machine);
// `npm run test:vm` only the boot and detect.
// The kolla venv's wheels come from a local mirror the testbed builds on the host (`vm-testbed.sh wheelhouse`: a
// folder of wheels and the VM's /etc/pip.conf); CIAB_VM_PYPI=1 takes them from PyPI instead (through the CA answer).
// CIAB_VM_KEEP=1 leaves the VM running afterwards. CIAB_VM_EVENTS=DIR copies each run's events (events.ndjson, <phase>.ansible.ndjson) out of the VM into DIR.
//
// Skips, with the reason printed, when not root, when qemu/debootstrap cannot be installed, or with
// CIAB_SKIP_VM=1.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostFacts } from '../../src/model/facts.js';
import { describeIfAvailable, optedOut } from '../helpers/require.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'vm-testbed.sh');
const SERIAL_LOG = path.join(process.env.CIAB_CACHE ?? path.join(os.homedir(), '.cache', 'ciab'), 'vm', 'run', 'serial.log');
const MGMT_MAC = '52:54:00:c1:ab:01';
const GiB = 1024 ** 3;
/** What the project needs on the target host, copied in: this host's node runs there unchanged. */
const PAYLOAD = ['bin', 'dist', 'profiles', 'templates', 'ansible', 'package.json'];
/** Build and test tools the installer never loads: not copied (they are most of node_modules). */
const DEV_ONLY = ['typescript', '@rolldown', 'rolldown', 'lightningcss-linux-x64-gnu', 'lightningcss', 'vite', 'vitest', '@vitest', 'dependency-cruiser', '@types', 'esbuild', '@esbuild'];
/** The host's extra CA certificates (the TLS-intercepting proxy's): the VM's pip needs them. */
const CA_DIR = '/usr/local/share/ca-certificates';
const MIN = 60_000;

function findSkipReason(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `needs linux/x64, this is ${process.platform}/${process.arch}`;
  if (process.getuid?.() !== 0) return 'not root (the testbed needs debootstrap, apt and qemu)';
  const deps = spawnSync('bash', [SCRIPT, 'deps'], { encoding: 'utf8', timeout: 15 * MIN });
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

function run(command: string, args: string[], timeoutMs: number): Promise<Result> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const testbed = (args: string[], timeoutMs = 10 * MIN) => run('bash', [SCRIPT, ...args], timeoutMs);

/** A command in the VM; throws with its output when it fails (unless allowed to). */
async function inVm(args: string[], options: { allowFail?: boolean; timeoutMs?: number } = {}): Promise<Result> {
  const result = await testbed(['ssh', '--', ...args], options.timeoutMs);
  if (result.code !== 0 && !options.allowFail) {
    throw new Error(`in the VM: ${args.join(' ')} → exit ${result.code}\n${result.stderr}\n${result.stdout.slice(0, 4000)}`);
  }
  return result;
}

const sh = (script: string, options: { allowFail?: boolean; timeoutMs?: number } = {}) => inVm(['sh', '-c', script], options);

/** What a failure inside the VM comes with: the VM's serial log tail and the tails of the latest run's logs. */
async function diagnostics(): Promise<string> {
  const serial = existsSync(SERIAL_LOG) ? readFileSync(SERIAL_LOG, 'utf8').split('\n').slice(-30).join('\n') : '(no serial log)';
  const logs = await sh('for f in /var/log/ciab/runs/latest/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 25 "$f"; }; done', { allowFail: true, timeoutMs: 2 * MIN });
  return `\n--- VM serial log (tail) ---\n${serial}\n--- run logs in the VM (tails) ---\n${logs.stdout || logs.stderr}`;
}

interface CiabRun {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * `ciab ARGS` in the VM, detached from the ssh session (a long run survives a dropped connection): its output
 * and exit code go to files under /root/ciab-runs/NAME.*. `interrupt` sends SIGINT once the condition holds.
 */
async function ciab(name: string, args: string[], timeoutMs: number, interrupt?: { when: string }): Promise<CiabRun> {
  const started = Date.now();
  const base = `/root/ciab-runs/${name}`;
  // The inner sh records its pid and becomes ciab (exec): SIGINT reaches ciab itself, as a Ctrl-C does. A transient
  // systemd service, not a background job of the ssh session: once an install started that way vanished about a
  // minute in, without an exit code or a line of output (cause not found); a service is tied to no ssh session.
  await sh(`mkdir -p /root/ciab-runs && rm -f ${base}.*; systemd-run --unit=ciab-e2e-${name} --collect --quiet -p KillMode=process -E HOME=/root sh /root/run-ciab.sh ${base} ${args.map((a) => `'${a}'`).join(' ')}`);
  const deadline = Date.now() + timeoutMs;
  let interrupted = !interrupt;
  // Waits on the condition inside the VM (one ssh per ≤ 4 min), never a fixed sleep out here.
  while (Date.now() < deadline) {
    const waitFor = interrupted ? `[ -s ${base}.rc ]` : `[ -s ${base}.rc ] || (${interrupt!.when})`;
    const budget = Math.max(5, Math.min(240, Math.round((deadline - Date.now()) / 1000)));
    await sh(`i=0; until ${waitFor}; do i=$((i+1)); [ $i -gt ${budget} ] && exit 0; sleep 1; done`, { allowFail: true, timeoutMs: (budget + 120) * 1000 });
    if (!interrupted) {
      const ready = await sh(`[ -s ${base}.rc ] && echo ended || { (${interrupt!.when}) && kill -INT "$(cat ${base}.pid)" && echo sent; }`, { allowFail: true });
      if (ready.stdout.includes('sent') || ready.stdout.includes('ended')) interrupted = true;
      continue;
    }
    const rc = await sh(`cat ${base}.rc 2>/dev/null`, { allowFail: true });
    if (rc.stdout.trim() !== '') {
      const out = await inVm(['cat', `${base}.out`], { allowFail: true });
      const err = await inVm(['cat', `${base}.err`], { allowFail: true });
      return { code: Number(rc.stdout.trim()), stdout: out.stdout, stderr: err.stdout, ms: Date.now() - started };
    }
  }
  const err = await inVm(['tail', '-n', '40', `${base}.err`], { allowFail: true });
  throw new Error(`ciab ${args.join(' ')}: no exit after ${Math.round(timeoutMs / 1000)} s\n${err.stdout}${await diagnostics()}`);
}

/** A ciab run that must end with `code`, or an error carrying the installer's own failure summary and the logs. */
async function expectCiab(runResult: CiabRun, code: number, what: string): Promise<void> {
  if (runResult.code === code) return;
  throw new Error(`${what}: exit ${runResult.code}, expected ${code}\n--- ciab's output ---\n${runResult.stderr.split('\n').slice(-60).join('\n')}${await diagnostics()}`);
}

interface Event {
  type: string;
  phase?: string;
  status?: string;
  reason?: string;
  counts?: { changed: number; failed: number };
}

/** The engine's events of the latest run (the run folder's events.ndjson). */
async function latestEvents(): Promise<Event[]> {
  const text = (await inVm(['cat', '/var/log/ciab/runs/latest/events.ndjson'])).stdout;
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Event);
}

/** Copy the latest run's events out of the VM (CIAB_VM_EVENTS=DIR), as calibration data. */
async function keepEvents(label: string): Promise<void> {
  const keep = process.env.CIAB_VM_EVENTS;
  if (!keep) return;
  const dir = path.join(keep, label);
  mkdirSync(dir, { recursive: true });
  const names = (await sh('cd /var/log/ciab/runs/latest && ls *.ndjson')).stdout.split('\n').filter(Boolean);
  for (const name of names) writeFileSync(path.join(dir, name), (await inVm(['cat', `/var/log/ciab/runs/latest/${name}`])).stdout);
}

/** `ciab detect --json` of the VM (the detect test), for the render on the host. */
let vmFacts = '';

/** passwords.yml rendered on this host for the VM's facts, copied to where the install in the VM renders. */
async function renderSecretsOnHost(): Promise<void> {
  if (vmFacts === '') throw new Error('no facts of the VM (the detect test did not pass)');
  const dir = mkdtempSync(path.join(os.tmpdir(), `ciab-vm-render-${process.pid}-`));
  try {
    writeFileSync(path.join(dir, 'facts.json'), vmFacts);
    // passwords.yml does not depend on the plan: the answers without the CA files (paths of the VM) do.
    writeFileSync(path.join(dir, 'answers.yaml'), ANSWERS.replace('CA_FILES', '[]'));
    const render = await run(process.execPath, [path.join(ROOT, 'bin', 'ciab'), 'render', '--answers', path.join(dir, 'answers.yaml'), '--facts', path.join(dir, 'facts.json'), '--out', path.join(dir, 'config')], 10 * MIN);
    if (render.code !== 0) throw new Error(`ciab render on the host failed:\n${render.stderr}`);
    const copied = await testbed(['copy', path.join(dir, 'config', 'kolla', 'passwords.yml'), '/etc/ciab/config/kolla'], 5 * MIN);
    if (copied.code !== 0) throw new Error(`copy passwords.yml failed:\n${copied.stderr}`);
    await sh('chown root:root /etc/ciab/config/kolla/passwords.yml && chmod 600 /etc/ciab/config/kolla/passwords.yml');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const timings: Record<string, number> = {};
const fileStarted = Date.now();

/** One step of the flow: timed and printed as it ends. */
async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await body();
  } finally {
    timings[name] = Date.now() - started;
    console.log(`vm.test: ${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

const ANSWERS = `# The VM test's answers: the workshop profile on a 6 GiB, 2-vCPU TCG VM without NTP or registry access.
profile: workshop
network:
  access: local
storage:
  backend: lvm
  disks: [/dev/vdb]
trust:
  ca_certificates: CA_FILES
skip_checks: [cpu, memory, disk-space, uplink, time]
`;
const INSTALL = ['install', '--answers', '/root/answers.yaml'];

/** Runs `ciab ARGS` writing BASE.pid, BASE.out, BASE.err and, at the end, BASE.rc. */
const RUN_SCRIPT = String.raw`base="$1"; shift
sh -c 'echo $$ >"$0.pid"; exec env NO_COLOR=1 ciab "$@"' "$base" "$@" >"$base.out" 2>"$base.err"
echo $? >"$base.rc"
`;
/** What the host looks like from ciab's point of view (network, NAT, VG, units, venv, /etc/hosts). */
const SNAPSHOT_SCRIPT = String.raw`echo "links: $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^ciab-' | sort | tr '
' ' ')"
echo "nat: $( (nft list ruleset 2>/dev/null; iptables-save -t nat 2>/dev/null) | grep -c ciab-nat)"
echo "vgs: $(vgs --noheadings -o vg_name 2>/dev/null | tr -d ' ' | tr '
' ' ')"
echo "units: $(ls /etc/systemd/system | grep '^ciab' | tr '
' ' ')"
echo "venv: $([ -e /opt/ciab/kolla-venv ] && echo present || echo absent)"
echo "hosts: $(grep -cE '^10\.0\.2\.[0-9]+[[:space:]].*ciab-vm' /etc/hosts)"
`;
const HOST_SNAPSHOT = 'sh /root/snapshot.sh';

function parseSnapshot(text: string): Record<string, string> {
  return Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

/** The install flow: only with CIAB_VM_INSTALL=1 (`npm run test:e2e`). */
const installIt = process.env.CIAB_VM_INSTALL === '1' ? it : it.skip;

describeIfAvailable('ciab install on a real Debian 13 VM', skipReason, () => {
  let started = false;
  let keepUuid = '';
  let before: Record<string, string> = {};

  beforeAll(async () => {
    const build = await step('build image (cached)', () => testbed(['build'], 30 * MIN));
    if (build.code !== 0) throw new Error(`vm-testbed build failed:\n${build.stderr}`);
    let start = await step('boot to ssh', () => testbed(['start'], 15 * MIN));
    // qemu 7.2's multi-threaded TCG now and then panics the trixie kernel early in boot ("Fatal exception in
    // interrupt", seen once in three boots here): one more clean boot, then give up with the serial log.
    if (start.code !== 0 && /Kernel panic/.test(start.stderr)) start = await step('boot to ssh (again)', () => testbed(['start'], 15 * MIN));
    started = true;
    if (start.code !== 0) throw new Error(`vm-testbed start failed:\n${start.stderr}`);
    await inVm(['udevadm', 'settle', '--timeout=60']);

    await step('copy node, ciab and the CA files in', async () => {
      const node = await testbed(['copy', process.execPath, '/usr/local/bin'], 10 * MIN);
      if (node.code !== 0) throw new Error(`copy node failed:\n${node.stderr}`);
      // node_modules may be a symlink (worktrees): copy what it points to, without the build tools.
      const modules = realpathSync(path.join(ROOT, 'node_modules'));
      const tar = await run('bash', ['-c', `set -o pipefail; tar -C ${path.dirname(modules)} ${DEV_ONLY.map((d) => `--exclude=node_modules/${d}`).join(' ')} -cf - ${path.basename(modules)} | bash ${SCRIPT} ssh -- sh -c 'mkdir -p /opt/ciab && tar -C /opt/ciab -xf - --no-same-owner'`], 15 * MIN);
      if (tar.code !== 0) throw new Error(`copy node_modules failed:\n${tar.stderr}`);
      const app = await testbed(['copy', ...PAYLOAD.map((p) => path.join(ROOT, p)).filter((p) => existsSync(p)), '/opt/ciab'], 15 * MIN);
      if (app.code !== 0) throw new Error(`copy app failed:\n${app.stderr}`);
      const cas = existsSync(CA_DIR) ? readdirSync(CA_DIR).filter((f) => f.endsWith('.crt')).map((f) => path.join(CA_DIR, f)) : [];
      if (cas.length > 0) {
        const copied = await testbed(['copy', ...cas, '/root/ca'], 5 * MIN);
        if (copied.code !== 0) throw new Error(`copy CA files failed:\n${copied.stderr}`);
      }
      const list = cas.length > 0 ? `[${cas.map((f) => `ca/${path.basename(f)}`).join(', ')}]` : '[]';
      await sh(`cat > /root/answers.yaml <<'EOF'\n${ANSWERS.replace('CA_FILES', list)}EOF`);
      await sh(`cat > /root/run-ciab.sh <<'EOF'\n${RUN_SCRIPT}EOF\ncat > /root/snapshot.sh <<'EOF'\n${SNAPSHOT_SCRIPT}EOF`);
      await sh(`[ -x /usr/local/bin/node ] || mv /usr/local/bin/${path.basename(process.execPath)} /usr/local/bin/node; ln -sf /opt/ciab/bin/ciab /usr/local/bin/ciab`);
    });

    // The kolla venv's wheels from a local mirror built on the host (CIAB_VM_PYPI=1: from PyPI through the CA answer).
    if (process.env.CIAB_VM_PYPI !== '1') {
      await step('wheelhouse for the kolla venv (built on the host, cached)', async () => {
        const wheels = await testbed(['wheelhouse', path.join(ROOT, 'ansible', 'requirements.txt')], 20 * MIN);
        if (wheels.code !== 0) throw new Error(`vm-testbed wheelhouse failed:\n${wheels.stderr}`);
      });
    }

    // The disk an installer must never touch: a file on it, and its UUID, checked at the end.
    keepUuid = (await inVm(['blkid', '-s', 'UUID', '-o', 'value', '/dev/disk/by-label/ciab-keep'])).stdout.trim();
    await sh('mkdir -p /mnt/keep && mount LABEL=ciab-keep /mnt/keep && echo "written before ciab ran" > /mnt/keep/witness && umount /mnt/keep');
    before = parseSnapshot((await sh(HOST_SNAPSHOT)).stdout);
  }, 90 * MIN);

  afterAll(async () => {
    // CIAB_VM_KEEP=1 leaves the VM running to look into (scripts/vm-testbed.sh ssh; stop it with `stop`).
    if (started && process.env.CIAB_VM_KEEP !== '1') await testbed(['stop'], 5 * MIN);
    timings.file = Date.now() - fileStarted;
    console.log(`vm.test: timings (ms): ${JSON.stringify(timings)}`);
  }, 10 * MIN);

  it('detect --json: Debian 13 with systemd and ifupdown; vdb blank and usable, the ext4 disk vdc not', async () => {
    const result = await step('detect', () => inVm(['env', 'NO_COLOR=1', 'ciab', 'detect', '--json', '--no-uplink-check'], { allowFail: true, timeoutMs: 5 * MIN }));
    expect(result.code, result.stderr).toBe(0);
    vmFacts = result.stdout;
    const facts = HostFacts.parse(JSON.parse(result.stdout));
    expect(facts.os).toMatchObject({ id: 'debian', versionId: '13', codename: 'trixie', init: 'systemd', networkConfig: 'ifupdown' });
    expect(facts.memory.totalBytes).toBeGreaterThan(5 * GiB);
    const vdb = facts.disks.find((d) => d.name === 'vdb');
    const vdc = facts.disks.find((d) => d.name === 'vdc');
    expect(vdb).toMatchObject({ usable: true, sizeBytes: 40 * GiB, signatures: [] });
    expect(vdc?.usable).toBe(false);
    expect(vdc?.signatures).toEqual(['ext4']);
    expect(facts.nics.find((n) => n.mac === MGMT_MAC)?.defaultRoute).toBe(true);
  }, 10 * MIN);

  installIt('install --until kolla-prechecks, stopped by SIGINT during prepare-host: stops at a task boundary, exit 130', async () => {
    // The seven RSA-4096 keys of passwords.yml take minutes under TCG. A render keeps the secrets of an existing
    // passwords.yml, so `ciab render` for the VM's facts on this host makes it, and the install in the VM keeps it
    // (CIAB_VM_KEYS_IN_VM=1: the VM makes its own).
    if (process.env.CIAB_VM_KEYS_IN_VM !== '1') await step('secrets rendered on the host', renderSecretsOnHost);
    // The first task of the playbook itself (after the venv is built): the stop must come between two tasks.
    const first = await step('install, SIGINT during prepare-host', () =>
      ciab('sigint', [...INSTALL, '--until', 'kolla-prechecks'], 60 * MIN, { when: 'grep -q "\\"type\\":\\"task_started\\"" /var/log/ciab/runs/latest/events.ndjson 2>/dev/null' }),
    );
    await expectCiab(first, 130, 'install stopped with SIGINT');
    const events = await latestEvents();
    expect(events.find((e) => e.type === 'phase_finished' && e.phase === 'prepare-host')?.status).toBe('stopped');
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'stopped' });
    await keepEvents('1-sigint');
  }, 70 * MIN);

  installIt('install --until kolla-prechecks again: prepare-host for real, then kolla-ansible prechecks --use-test-images pass', async () => {
    const second = await step('install to prechecks', () => ciab('install', [...INSTALL, '--until', 'kolla-prechecks'], 90 * MIN));
    await expectCiab(second, 0, 'install --until kolla-prechecks');
    const events = await latestEvents();
    const finished = events.filter((e) => e.type === 'phase_finished');
    expect(finished.map((e) => [e.phase, e.status])).toEqual([['prepare-host', 'done'], ['kolla-prechecks', 'done']]);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
    // What prepare-host built is there.
    const now = parseSnapshot((await sh(HOST_SNAPSHOT)).stdout);
    expect(now.links).toContain('ciab-br0');
    expect(Number(now.nat)).toBeGreaterThan(0);
    expect(now.vgs).toContain('cinder-volumes');
    expect(now.venv).toBe('present');
    expect(now.hosts).toBe('1');
    await sh('systemctl is-active docker && docker info --format "{{.Driver}}"');
    // The extra CA answer reached the system store and pip.
    await sh('ls /usr/local/share/ca-certificates/ciab/*.crt && grep -q ca-certificates.crt /opt/ciab/kolla-venv/pip.conf');
    // … and kolla's CA folder, for kolla_copy_ca_into_containers.
    await sh('ls /etc/ciab/config/kolla/certificates/ca/ciab-*.crt && grep -q "^kolla_copy_ca_into_containers: true" /etc/ciab/config/kolla/globals.yml');
    const prechecksLog = (await inVm(['cat', '/var/log/ciab/runs/latest/kolla-prechecks.log'])).stdout;
    expect(prechecksLog).toMatch(/--use-test-images/);
    expect(prechecksLog).toMatch(/failed=0/);
    await keepEvents('2-install-to-prechecks');
  }, 100 * MIN);

  installIt('install --until kolla-pull: pull fails without a registry; the summary names K10 and the resume command', async () => {
    const pull = await step('pull (fails on purpose)', () => ciab('pull', [...INSTALL, '--until', 'kolla-pull'], 40 * MIN));
    expect(pull.code, pull.stderr).toBe(1);
    expect(pull.stderr).toMatch(/K10/);
    expect(pull.stderr).toMatch(/images could not be downloaded/);
    expect(pull.stderr).toContain('ciab install --answers /root/answers.yaml --until kolla-pull');
    const events = await latestEvents();
    expect(events.filter((e) => e.type === 'phase_skipped').map((e) => e.phase)).toEqual(expect.arrayContaining(['prepare-host', 'kolla-prechecks']));
    await keepEvents('3-pull-fails');
  }, 45 * MIN);

  installIt('install --until kolla-prechecks a second time changes nothing: every phase is skipped as done', async () => {
    const again = await step('install again (no-op)', () => ciab('again', [...INSTALL, '--until', 'kolla-prechecks'], 20 * MIN));
    await expectCiab(again, 0, 'second install --until kolla-prechecks');
    const events = await latestEvents();
    expect(events.filter((e) => e.type === 'phase_started')).toEqual([]);
    expect(events.filter((e) => e.type === 'phase_skipped' && e.reason === 'done-earlier').map((e) => e.phase)).toEqual(['prepare-host', 'kolla-prechecks']);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
  }, 25 * MIN);

  installIt('after a reboot: bridge, veth, NAT, VG and /etc/hosts are back; ciab status says what is installed', async () => {
    const reboot = await step('reboot', () => testbed(['reboot'], 20 * MIN));
    if (reboot.code !== 0) throw new Error(`reboot failed:\n${reboot.stderr}`);
    await sh('systemctl is-system-running --wait >/dev/null 2>&1; true', { timeoutMs: 10 * MIN });
    const now = parseSnapshot((await sh(HOST_SNAPSHOT)).stdout);
    expect(now.links).toContain('ciab-br0');
    expect(now.links).toMatch(/ciab-veth/);
    expect(Number(now.nat)).toBeGreaterThan(0);
    expect(now.vgs).toContain('cinder-volumes');
    expect(now.hosts).toBe('1');
    const status = await step('status', () => inVm(['ciab', 'status', '--json'], { allowFail: true, timeoutMs: 5 * MIN }));
    expect(status.code, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { installed: boolean; configured: boolean; phases: Array<{ id: string; status: string }> };
    expect(report.configured).toBe(true);
    expect(report.installed).toBe(false); // prechecks only: nothing deployed
    expect(report.phases.filter((p) => p.status === 'done').map((p) => p.id)).toEqual(['prepare-host', 'kolla-prechecks']);
    expect(report.phases.find((p) => p.id === 'kolla-pull')?.status).toBe('failed');
  }, 30 * MIN);

  installIt('destroy --yes leaves the host as before (what stays on purpose is listed); the ext4 disk was never touched', async () => {
    const destroy = await step('destroy', () => ciab('destroy', ['destroy', '--yes'], 40 * MIN));
    await expectCiab(destroy, 0, 'destroy --yes');
    const after = parseSnapshot((await sh(HOST_SNAPSHOT)).stdout);
    expect(after).toEqual(before);
    const teardown = (await sh('cat /var/log/ciab/runs/latest/teardown-host.log')).stdout;
    expect(teardown).toMatch(/left on purpose/);
    await keepEvents('4-destroy');

    expect((await inVm(['blkid', '-s', 'UUID', '-o', 'value', '/dev/disk/by-label/ciab-keep'])).stdout.trim()).toBe(keepUuid);
    const witness = await sh('mount -o ro LABEL=ciab-keep /mnt/keep && cat /mnt/keep/witness; umount /mnt/keep');
    expect(witness.stdout.trim()).toBe('written before ciab ran');
  }, 45 * MIN);
});
