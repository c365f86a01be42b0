// DEPLOY-AUDIT W3: kolla-ansible's certificates last a year; a TLS box gets a weekly timer that renews them.
// The renewal script runs against certificates made by the pinned kolla-ansible itself (its `certificates`
// action runs on localhost only), in a temp folder. Only the final `kolla-ansible reconfigure` cannot run here
// (no containers): --no-reconfigure prints it instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithDisk, writeFileSet } from '../../src/app/write-files.js';
import type { FileSet } from '../../src/model/files.js';
import { renderFiles } from '../../src/render/index.js';
import { CERTS_RENEW_DAYS, CERTS_SCRIPT, CERTS_TIMER, CERTS_UNIT, KOLLA_CA_DAYS, KOLLA_CERT_DAYS } from '../../src/render/host.js';
import { ensureKollaVenv, requireVenv, run } from '../kolla/harness.js';
import { HOST_TEMPLATES, testEnv } from '../helpers/inputs.js';
import { fixtureSession } from '../helpers/plans.js';
// Pre-generated keys: this file is about certificates, not the seven RSA-4096 pairs in passwords.yml.
import { fastRandom } from '../helpers/random.js';

const work = mkdtempSync(path.join(tmpdir(), 'ciab-certs-'));
const out = path.join(work, 'config');
let files: FileSet = [];
let workshopFiles: FileSet = [];
let venvSkip: string | null = null;

beforeAll(async () => {
  const venv = await ensureKollaVenv();
  if ('skip' in venv) venvSkip = venv.skip;
  const edge = await fixtureSession('server', 'profile: edge\nnetwork:\n  vip: 198.51.100.250\n', ['ports', 'services', 'uplink']);
  files = (await renderFiles({ plan: edge.plan!, answers: {}, adminPassword: null, existingPasswords: null, templates: HOST_TEMPLATES, outDir: out, random: fastRandom('certs-renewal') })).files;
  await writeFileSet(testEnv.files, out, await compareWithDisk(testEnv.files, out, files));
  const workshop = await fixtureSession('server', 'profile: workshop\n', ['ports', 'services', 'uplink']);
  workshopFiles = (await renderFiles({ plan: workshop.plan!, answers: {}, adminPassword: null, existingPasswords: null, templates: HOST_TEMPLATES, outDir: out, random: fastRandom('certs-renewal') })).files;
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const content = (p: string) => files.find((f) => f.path === `host${p}`)!.content;
const certs = () => path.join(out, 'kolla', 'certificates');
const openssl = (...args: string[]) => {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};
const serial = (crt: string) => openssl('x509', '-serial', '-noout', '-in', crt);
const external = () => path.join(certs(), 'private', 'external', 'external.crt');
const rootCrt = () => path.join(certs(), 'private', 'root', 'root.crt');

describe('rendered files', () => {
  it('a TLS profile gets the script, a oneshot service and a weekly persistent timer; a plain-HTTP one none of them', () => {
    expect(files.filter((f) => /ciab-certs-renew/.test(f.path)).map((f) => [f.path, f.mode])).toEqual([
      [`host${CERTS_SCRIPT}`, 0o755],
      [`host/etc/systemd/system/${CERTS_UNIT}`, 0o644],
      [`host/etc/systemd/system/${CERTS_TIMER}`, 0o644],
    ]);
    expect(workshopFiles.filter((f) => /ciab-certs-renew/.test(f.path))).toEqual([]);
    expect(content(`/etc/systemd/system/${CERTS_UNIT}`)).toMatch(new RegExp(`^ExecStart=${CERTS_SCRIPT} renew$`, 'm'));
    expect(content(`/etc/systemd/system/${CERTS_TIMER}`)).toMatch(/^OnCalendar=weekly$/m);
    expect(content(`/etc/systemd/system/${CERTS_TIMER}`)).toMatch(/^Persistent=true$/m);
    // the configuration folder kolla-ansible got as --configdir
    expect(content(CERTS_SCRIPT)).toContain(`CONFIG='${out}/kolla'`);
  });

  it('says what kolla signs for: the lifetimes are the pinned role\'s own', async (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    const role = path.join(requireVenv().share, 'ansible', 'roles', 'certificates', 'tasks');
    const leaf = readFileSync(path.join(role, 'generate.yml'), 'utf8').match(/ownca_not_after: "\+(\d+)d"/g)!;
    expect(new Set(leaf)).toEqual(new Set([`ownca_not_after: "+${KOLLA_CERT_DAYS}d"`]));
    expect(readFileSync(path.join(role, 'generate-root.yml'), 'utf8')).toContain(`selfsigned_not_after: "+${KOLLA_CA_DAYS}d"`);
    expect(content(CERTS_SCRIPT)).toMatch(/^# Written by ciab .*\(365 days; the CA 1024\) 45 days before they expire\.$/m);
    expect(KOLLA_CERT_DAYS - CERTS_RENEW_DAYS).toBeGreaterThan(300);
  });

  it('systemd-analyze verify accepts the service and the timer', (ctx) => {
    const probe = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0) ctx.skip('no systemd-analyze');
    const dir = path.join(work, 'units');
    spawnSync('mkdir', ['-p', dir]);
    // verify checks that ExecStart= is executable: point it at the rendered script in the temp folder.
    const script = path.join(dir, 'ciab-certs-renew');
    writeFileSync(script, content(CERTS_SCRIPT), { mode: 0o755 });
    for (const unit of [CERTS_UNIT, CERTS_TIMER]) writeFileSync(path.join(dir, unit), content(`/etc/systemd/system/${unit}`).replaceAll(CERTS_SCRIPT, script));
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', path.join(dir, CERTS_TIMER), path.join(dir, CERTS_UNIT)], { encoding: 'utf8' });
    expect(r.stderr.split('\n').filter((l) => /ciab/.test(l)), r.stderr).toEqual([]);
    expect(r.status, r.stderr).toBe(0);
    expect(spawnSync('dash', ['-n', script]).status).toBe(0);
  });
});

describe('renewal against certificates the pinned kolla-ansible made', () => {
  const script = () => path.join(out, 'host', CERTS_SCRIPT);
  const renew = (env: Record<string, string>, ...args: string[]) =>
    spawnSync(script(), args, { encoding: 'utf8', env: { ...process.env, CIAB_KOLLA_VENV: requireVenv().venv, ...env } });

  it('does nothing before kolla-ansible certificates ran', (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    const r = renew({}, 'renew');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no kolla certificates in .* yet: nothing to renew/);
  });

  it('kolla-ansible certificates signs for a year: not due yet with the 45-day window', async (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    const kv = requireVenv();
    const kolla = path.join(out, 'kolla');
    const r = await run(path.join(kv.bin, 'kolla-ansible'), ['certificates', '-i', path.join(kolla, 'inventory'), '--configdir', kolla], { env: { ...process.env, PATH: `${kv.bin}:${process.env.PATH}` } });
    expect(r.exitCode, r.stdout.slice(-3000) + r.stderr).toBe(0);
    const dates = openssl('x509', '-startdate', '-enddate', '-noout', '-in', external()).split('\n').map((l) => Date.parse(l.split('=')[1]!));
    expect(Math.round((dates[1]! - dates[0]!) / 86_400_000)).toBe(KOLLA_CERT_DAYS);
    const before = serial(external());
    const s = renew({}, 'renew', '--no-reconfigure');
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/nothing expires within 45 days/);
    expect(serial(external())).toBe(before);
  }, 600_000);

  it('renews a certificate inside the window with the same key, keeps the CA, and reconfigures only the load balancer', (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    if (!existsSync(external())) ctx.skip('no certificates from the previous test');
    const before = { leaf: serial(external()), root: serial(rootCrt()), pem: readFileSync(path.join(certs(), 'haproxy.pem'), 'utf8') };
    const r = renew({ CIAB_CERTS_RENEW_DAYS: String(KOLLA_CERT_DAYS + 30) }, 'renew', '--no-reconfigure');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/renewing .*external\.crt/);
    expect(r.stdout).toMatch(/to serve them run: \S+\/bin\/kolla-ansible reconfigure --tags loadbalancer -i \S+\/kolla\/inventory --configdir \S+\/kolla$/m);
    expect(serial(external())).not.toBe(before.leaf);
    expect(serial(rootCrt())).toBe(before.root);
    // what HAProxy is given is the new certificate, signed by the same CA
    expect(readFileSync(path.join(certs(), 'haproxy.pem'), 'utf8')).not.toBe(before.pem);
    expect(openssl('verify', '-CAfile', path.join(certs(), 'ca', 'root.crt'), external())).toMatch(/: OK$/);
    expect(readdirSync(path.join(certs(), 'private')).filter((d) => d.startsWith('renewed-'))).toHaveLength(1);
  }, 600_000);

  it('a CA about to expire is renewed too (same key), with a full reconfigure: every container carries the CA', (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    if (!existsSync(external())) ctx.skip('no certificates from the previous test');
    const key = readFileSync(path.join(certs(), 'private', 'root', 'root.key'));
    const root = serial(rootCrt());
    const r = renew({ CIAB_CERTS_RENEW_DAYS: String(KOLLA_CA_DAYS + 30) }, 'renew', '--no-reconfigure');
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/renewing .*root\.crt/);
    expect(r.stdout).toMatch(/to serve them run: \S+\/bin\/kolla-ansible reconfigure {2}-i /m);
    expect(serial(rootCrt())).not.toBe(root);
    expect(readFileSync(path.join(certs(), 'private', 'root', 'root.key'))).toEqual(key);
    expect(serial(path.join(certs(), 'ca', 'root.crt'))).toBe(serial(rootCrt()));
    expect(openssl('verify', '-CAfile', path.join(certs(), 'ca', 'root.crt'), external())).toMatch(/: OK$/);
  }, 600_000);

  it('puts the old certificates back when kolla-ansible fails', (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    if (!existsSync(external())) ctx.skip('no certificates from the previous test');
    const leaf = serial(external());
    const r = renew({ CIAB_KOLLA_VENV: path.join(work, 'no-venv'), CIAB_CERTS_RENEW_DAYS: String(KOLLA_CERT_DAYS + 30) }, 'renew');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/kolla-ansible certificates failed; the old certificates are back in place/);
    expect(serial(external())).toBe(leaf);
  });
});
