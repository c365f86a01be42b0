// prepare-host's time-sync and services parts, run by the pinned ansible-playbook (through prepare-host.yml, the
// other parts skipped) inside a network namespace and a PID namespace of their own, so that the listeners and
// processes the test starts are all the services part can see, and nothing binds a port on this machine. Files
// go under a temp dir (ciab_root). systemd does not run here, so stopping a service cannot run for real: the
// detection, the failure message and the confirmation are real; "would stop" is what a sandbox says.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiab } from '../helpers/cli.js';
import { seedPasswords } from '../helpers/passwords.js';
import { writeFixtureFacts } from '../helpers/facts.js';
import { PARTS, PREPARE_HOST, REPO, TEARDOWN, describeRun, runPlaybook } from './hostprep-harness.js';
import { describeIfAvailable } from '../helpers/require.js';

const NS = `ciab-svc-${process.pid % 100000}${randomBytes(2).toString('hex')}`;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
function unavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network and PID namespaces)';
  const missing = ['ip', 'unshare', '/usr/bin/python3', 'dpkg-query'].filter((t) => !has(t));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status !== 0) return '`ip netns` is unavailable';
  return null;
}
const skipReason = unavailable();

// Binds, listens, then says so with a file: the wrapper waits for that file, not for a fixed time.
const LISTEN_PY = `import signal, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen()
open(sys.argv[3], 'w').close()
signal.pause()
`;

// PID 1 of the new PID namespace: starts the fakes, waits until both listen, then becomes ansible-playbook.
// When it exits, the kernel ends every process of the namespace.
const wrapperScript = (dir: string) => `#!/bin/sh
set -e
D=${dir}
rm -f "$D"/ready-*
ip link set lo up
# a MariaDB on every address (comm "mysqld"), a RabbitMQ on loopback only (kolla connects to the management IP,
# so it does not clash), and an nscd
"$D/bin/mysqld" "$D/listen.py" 0.0.0.0 3306 "$D/ready-3306" &
/usr/bin/python3 "$D/listen.py" 127.0.0.1 5672 "$D/ready-5672" &
"$D/bin/nscd" 3600 &
i=0
while [ ! -e "$D/ready-3306" ] || [ ! -e "$D/ready-5672" ]; do
  i=$((i + 1)); [ $i -lt 400 ] || { echo "the fake listeners did not start" >&2; exit 1; }
  sleep 0.05
done
exec "$@"
`;

describeIfAvailable('prepare-host time-sync and services in a network and PID namespace', skipReason, () => {
  let dir = '';
  let config = '';
  let root = '';
  let wrapper: string[] = [];
  const skip = PARTS.filter((p) => p !== 'time-sync' && p !== 'services');

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), `ciab-svc-${process.pid}-`));
    config = path.join(dir, 'config');
    const facts = await writeFixtureFacts('cloud-vm', dir);
    await seedPasswords(config, `${import.meta.filename} ${process.pid}`);
    const render = await runCiab(['render', '--answers', path.join(REPO, 'test', 'fixtures', 'answers', 'workshop.yaml'), '--facts', facts, '--out', config]);
    expect(render.code, render.stderr).toBe(0);

    // The sandbox root: an /etc with a time zone name, and a host libvirt's socket where kolla's precheck looks.
    root = path.join(dir, 'root');
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(path.join(root, 'etc', 'timezone'), 'Etc/UTC\n');
    mkdirSync(path.join(root, 'var', 'run', 'libvirt'), { recursive: true });
    writeFileSync(path.join(root, 'var', 'run', 'libvirt', 'libvirt-sock'), '');

    // Process names are the names of the files executed: links named like the real daemons.
    mkdirSync(path.join(dir, 'bin'));
    // The real binaries, not a PATH shim (pyenv's would exec by name and find a real mysqld).
    symlinkSync(realpathSync('/usr/bin/python3'), path.join(dir, 'bin', 'mysqld'));
    symlinkSync(realpathSync(spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim()), path.join(dir, 'bin', 'nscd'));
    writeFileSync(path.join(dir, 'listen.py'), LISTEN_PY);
    writeFileSync(path.join(dir, 'wrapper.sh'), wrapperScript(dir), { mode: 0o755 });

    spawnSync('ip', ['netns', 'add', NS], { stdio: 'inherit' });
    wrapper = ['ip', 'netns', 'exec', NS, 'unshare', '--pid', '--fork', '--mount-proc', path.join(dir, 'wrapper.sh')];
  }, 180_000);

  afterAll(() => {
    if (!skipReason) spawnSync('ip', ['netns', 'delete', NS], { stdio: 'ignore' });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('in --check: says it would install systemd-timesyncd, and fails naming each unconfirmed service, its port or check, and the confirmation', async () => {
    // nscd is confirmed; MariaDB (port 3306) and libvirt (its socket) are not.
    const run = await runPlaybook(PREPARE_HOST, { ciab_config_dir: config, ciab_root: root, ciab_state_dir: path.join(dir, 'state'), ciab_skip: skip, ciab_stop_services: ['nscd'] }, { check: true, wrapper });
    expect(run.code, describeRun(run)).not.toBe(0);

    const said = run.tasks.map((t) => t.msg ?? '').join('\n');
    expect(said).toContain('would install systemd-timesyncd (no time service is installed), then start it and enable it at boot (systemd does not run this sandbox root: skipped)');
    expect(run.tasks.find((t) => t.task === 'Time sync | set the time zone to Europe/Berlin')?.changed).toBe(true);

    expect(run.failures).toHaveLength(1);
    const failure = run.failures[0]!;
    expect(failure).toMatch(/^ciab: 2 host services clash with kolla: mariadb listens on 0\.0\.0\.0:3306 \(process mysqld, pid \d+\), which kolla's mariadb needs free; libvirtd \/var\/run\/libvirt\/libvirt-sock exists: kolla's nova_libvirt/);
    expect(failure).toContain('ciab install --stop-service mariadb --stop-service libvirtd');
    expect(failure).not.toContain('nscd'); // confirmed
    expect(failure).not.toContain('5672'); // loopback only: kolla's check would not reach it
    // --check wrote nothing.
    expect(existsSync(path.join(root, 'etc', 'localtime'))).toBe(false);
  }, 300_000);

  it('for real, everything confirmed: starts the installed chrony instead of installing timesyncd, sets the time zone, and names what it would stop', async () => {
    // This sandbox has chrony installed (its dpkg database says so): time-sync must start it, not replace it.
    mkdirSync(path.join(root, 'var', 'lib', 'dpkg'), { recursive: true });
    writeFileSync(path.join(root, 'var', 'lib', 'dpkg', 'status'), 'Package: chrony\nStatus: install ok installed\nVersion: 4.6-1\nArchitecture: amd64\nMaintainer: x\nDescription: x\n\n');
    const run = await runPlaybook(PREPARE_HOST, { ciab_config_dir: config, ciab_root: root, ciab_state_dir: path.join(dir, 'state'), ciab_skip: skip, ciab_stop_services: ['nscd', 'mariadb', 'libvirtd'] }, { wrapper });
    expect(run.code, describeRun(run)).toBe(0);

    const said = run.tasks.map((t) => t.msg ?? '').join('\n');
    expect(said).toContain('would start chrony (installed, not running) and enable it at boot (systemd does not run this sandbox root: skipped)');
    expect(said).toContain('would stop and disable mariadb, nscd, libvirtd (confirmed; systemd does not run this sandbox root: skipped)');
    expect(readlinkSync(path.join(root, 'etc', 'localtime'))).toBe('/usr/share/zoneinfo/Europe/Berlin');
    expect(spawnSync('cat', [path.join(root, 'etc', 'timezone')], { encoding: 'utf8' }).stdout).toBe('Europe/Berlin\n');
    // Nothing was stopped, so nothing is recorded for teardown.
    expect(existsSync(path.join(dir, 'state', 'services', 'stopped'))).toBe(false);
  }, 300_000);

  it('teardown names exactly the recorded units it would start again, and keeps the record without systemd', async () => {
    const record = path.join(dir, 'state', 'services', 'stopped');
    mkdirSync(path.dirname(record), { recursive: true });
    writeFileSync(record, 'libvirtd.socket enabled active\nmariadb.service enabled active\n');
    const skipDown = ['kolla-venv', 'storage', 'container-engine', 'ca-certificates', 'network', 'hosts-file'];
    const run = await runPlaybook(TEARDOWN, { ciab_config_dir: config, ciab_root: root, ciab_state_dir: path.join(dir, 'state'), ciab_skip: skipDown });
    expect(run.code, describeRun(run)).toBe(0);
    const said = run.tasks.map((t) => t.msg ?? '').join('\n');
    expect(said).toContain('would start and re-enable libvirtd.socket, mariadb.service (systemd does not run here: skipped)');
    expect(existsSync(record)).toBe(true);
  }, 300_000);
});
