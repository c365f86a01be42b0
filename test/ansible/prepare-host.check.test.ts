// The whole prepare-host.yml in --check mode against THIS machine, with a plan rendered by the CLI: it must
// change nothing (the files and devices it would touch are compared before and after) and say what it would
// do (the network part: the bridge, the veth pair, the NAT, with every file it could write hashed before and
// after). Plus ansible-playbook --syntax-check of prepare-host.yml and teardown.yml.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiab } from '../helpers/cli.js';
import { seedPasswords } from '../helpers/passwords.js';
import { writeFixtureFacts } from '../helpers/facts.js';
import { PARTS, PREPARE_HOST, REPO, TEARDOWN, ansibleBin, changedTasks, describeRun, runPlaybook } from './hostprep-harness.js';

// What a real run would write or change on this machine (prepare-host's own parts and the network helper's),
// in two depths. Where it writes configuration, units and scripts (the network part's bridge, NAT unit,
// NetworkManager and cloud-init snippets among them): every file, all the way down, by content.
const HASHED = [
  '/etc/hosts',
  '/etc/network',
  '/etc/systemd/network',
  '/etc/systemd/system',
  '/etc/sysctl.d',
  '/etc/modules-load.d',
  '/etc/netplan',
  '/etc/NetworkManager/conf.d',
  '/etc/cloud',
  '/usr/local/sbin',
];
// Large state (package lists, the dpkg database, the venv, the trust store) and the rest: one level deep, by
// mtime, size and mode.
const WATCHED = [
  '/etc/docker',
  '/etc/localtime',
  '/etc/timezone',
  '/usr/local/share/ca-certificates',
  '/etc/ssl/certs/ca-certificates.crt',
  '/var/lib/ciab',
  '/opt/ciab',
  '/var/lib/apt/lists',
  '/var/lib/dpkg/status',
];

/** Path → what it is now: enough to see any file written, created or removed. */
function snapshot(): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (p: string) => {
    try {
      const s = statSync(p);
      out[p] = `${s.mtimeMs}:${s.size}:${s.mode}`;
    } catch {
      out[p] = 'absent';
    }
  };
  for (const p of WATCHED) {
    add(p);
    if (out[p] !== 'absent' && statSync(p).isDirectory()) for (const name of readdirSync(p)) add(path.join(p, name));
  }
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = lstatSync(p);
    if (st.isDirectory()) {
      out[`${p}/`] = `${st.mode} ${st.mtimeMs}`; // a file made and removed again leaves the folder's mtime changed
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else out[p] = `${st.mode} ${st.mtimeMs} ${st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : ''}`;
  };
  HASHED.forEach(visit);
  const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1' } }).stdout ?? '';
  out['losetup'] = run('losetup', ['--list']);
  out['vgs'] = run('vgs', ['--noheadings']);
  return out;
}

describe('prepare-host.yml in --check mode on this machine', () => {
  let dir = '';
  let config = '';
  let caFile = '';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), `ciab-check-${process.pid}-`));
    config = path.join(dir, 'config');
    const facts = await writeFixtureFacts('cloud-vm', dir);
    await seedPasswords(config, `${import.meta.filename} ${process.pid}`);
    const render = await runCiab(['render', '--answers', path.join(REPO, 'test', 'fixtures', 'answers', 'workshop.yaml'), '--facts', facts, '--out', config]);
    expect(render.code, render.stderr).toBe(0);
    // Any CA certificate will do as the "extra" one: the system store's first PEM.
    const pem = readdirSync('/etc/ssl/certs').find((f) => f.endsWith('.pem'));
    caFile = path.join(dir, 'proxy-ca.pem');
    if (pem) copyFileSync(path.join('/etc/ssl/certs', pem), caFile);
  }, 120_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes ansible-playbook --syntax-check for prepare-host.yml and teardown.yml', () => {
    for (const playbook of [PREPARE_HOST, TEARDOWN]) {
      const out = execFileSync(path.join(ansibleBin(), 'ansible-playbook'), ['--syntax-check', playbook, '-e', 'ciab_config_dir=/nonexistent'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(out).toContain(`playbook: ${playbook}`);
    }
  }, 120_000);

  it('changes nothing and reports what a real run would do', async () => {
    // Every part runs: none may be missing from ansible/prepare-host/.
    expect(PARTS.filter((p) => !existsSync(path.join(REPO, 'ansible', 'prepare-host', `${p}.yml`)))).toEqual([]);

    const before = snapshot();
    const run = await runPlaybook(
      PREPARE_HOST,
      { ciab_config_dir: config, ciab_extra_ca_files: existsSync(caFile) ? [caFile] : [] },
      { check: true },
    );
    const after = snapshot();
    expect(run.code, describeRun(run)).toBe(0);
    expect(after).toEqual(before);

    const changed = changedTasks(run);
    expect(changed).toContain('Container engine | write the Docker daemon configuration kolla expects');
    expect(changed).toContain('Storage | create the sparse loop file (40 GiB)');
    expect(changed).toContain('Storage | install the unit that re-attaches the loop file at boot');
    if (existsSync(caFile)) expect(changed).toContain('CA certificates | install them into the system trust store');
    const said = run.tasks.map((t) => t.msg ?? '').join('\n');
    expect(said).toContain('would create /var/lib/ciab/cinder-volumes.img (40 GiB, sparse), attach it to a loop device and create the volume group cinder-volumes on it');
    expect(said).toMatch(/ciab: would apply the host network: .*10-ciab-br0\.netdev.*link ciab-br0 is missing/s);
    expect(said).toMatch(/would install \d+ pinned packages into \/opt\/ciab\/kolla-venv/);
    // time-sync and services ran against this machine: a time service chosen, the plan's zone, the port scan.
    expect(said).toMatch(/(keeps \S+ \(running\)|would (start \S+ \(installed, not running\)|install systemd-timesyncd).* and enable it at boot)/);
    expect(run.tasks.map((t) => t.task)).toContain('Services | find host services that hold kolla\'s ports or break its prechecks');
  }, 600_000);

  it('refuses to run without ciab_config_dir, saying so', async () => {
    const run = await runPlaybook(PREPARE_HOST, {}, { check: true });
    expect(run.code).not.toBe(0);
    expect(run.failures.join('\n')).toContain('prepare-host: ciab_config_dir (the rendered configuration folder) is not set');
  }, 120_000);
});
