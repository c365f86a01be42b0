// Negative controls of the kolla-ansible harness: on broken input it fails and names the culprit, so a green
// kolla-integration test means something. (The harness's positive runs are the product's own files, in
// test/render/kolla-integration.test.ts.) Needs the pinned venv (scripts/kolla-venv.sh, cached).
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { parseDocument } from 'yaml';
import {
  cleanupKollaHarness,
  needVenv,
  ensureKollaVenv,
  evaluateKollaVariables,
  inventoryGraph,
  type KollaVenv,
  type VenvUnavailable,
} from './harness.js';

const execFileP = promisify(execFile);
const ANSIBLE_TIMEOUT = 300_000;

let kv: KollaVenv | VenvUnavailable | undefined;
let work = '';

beforeAll(async () => {
  const t0 = Date.now();
  kv = await ensureKollaVenv();
  if ('skip' in kv) return;
  console.info(`[kolla harness] venv ${kv.venv} ready in ${Date.now() - t0} ms`);
  work = await mkdtemp(path.join(os.tmpdir(), 'ciab-kolla-test-'));
}, 600_000);

afterAll(async () => {
  await cleanupKollaHarness();
  if (work) await rm(work, { recursive: true, force: true });
});

const need = (ctx: TestContext): KollaVenv => needVenv(ctx, kv);

let genpwd: Promise<string> | undefined;
/** kolla's example passwords.yml filled by the venv's real `kolla-genpwd -p FILE`, once per run (≈3 s: 7 RSA-4096 keys). */
function generatedPasswords(k: KollaVenv): Promise<string> {
  genpwd ??= (async () => {
    const file = path.join(work, 'generated-passwords.yml');
    await copyFile(path.join(k.share, 'etc_examples', 'kolla', 'passwords.yml'), file);
    await execFileP(path.join(k.bin, 'kolla-genpwd'), ['-p', file]);
    return file;
  })();
  return genpwd;
}

/** Config dir from kolla's example files, set up for a local single node; passwords from the real kolla-genpwd. */
async function exampleConfig(k: KollaVenv, name: string, edit?: { globals?: Record<string, unknown>; dropPassword?: string }): Promise<string> {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  const examples = path.join(k.share, 'etc_examples', 'kolla');
  const doc = parseDocument(await readFile(path.join(examples, 'globals.yml'), 'utf8'));
  const settings: Record<string, unknown> = {
    kolla_base_distro: 'debian',
    network_interface: 'eth0',
    neutron_external_interface: 'veth-ext0',
    kolla_internal_vip_address: '192.0.2.2',
    enable_haproxy: false,
    enable_proxysql: false,
    nova_compute_virt_type: 'qemu',
    ...edit?.globals,
  };
  for (const [key, value] of Object.entries(settings)) doc.set(key, value);
  await writeFile(path.join(dir, 'globals.yml'), doc.toString());
  const pw = path.join(dir, 'passwords.yml');
  await copyFile(await generatedPasswords(k), pw);
  if (edit?.dropPassword) {
    const pdoc = parseDocument(await readFile(pw, 'utf8'));
    expect(pdoc.has(edit.dropPassword)).toBe(true);
    pdoc.delete(edit.dropPassword);
    await writeFile(pw, pdoc.toString(), { mode: 0o640 });
  }
  return dir;
}

/** kolla's all-in-one inventory, optionally without some groups (their [g] / [g:children] sections). */
async function exampleInventory(k: KollaVenv, name: string, dropGroups: string[] = []): Promise<string> {
  const src = path.join(k.share, 'ansible', 'inventory', 'all-in-one');
  if (dropGroups.length === 0) return src;
  const out: string[] = [];
  let dropping = false;
  for (const line of (await readFile(src, 'utf8')).split('\n')) {
    const m = /^\[([^\]:]+)(?::children)?\]/.exec(line);
    if (m) dropping = dropGroups.includes(m[1]!);
    if (!dropping) out.push(line);
  }
  const file = path.join(work, `${name}.ini`);
  await writeFile(file, out.join('\n'));
  return file;
}

describe('kolla harness fails on broken input, naming the culprit', () => {
  it('passwords.yml without keystone_admin_password: openstack_auth fails', async (ctx) => {
    const k = need(ctx);
    const cfg = await exampleConfig(k, 'no-keystone-pw', { dropPassword: 'keystone_admin_password' });
    const res = await evaluateKollaVariables(cfg, await exampleInventory(k, 'aio'));
    expect(res.exitCode).not.toBe(0);
    expect(res.failedVariables).toContain('openstack_auth');
    expect(res.stdout).toContain('keystone_admin_password');
  }, ANSIBLE_TIMEOUT);

  it('inventory whose [x:children] names a missing group is unparseable: the harness fails (kolla would not)', async (ctx) => {
    const k = need(ctx);
    // Dropping [mariadb:children] leaves [prometheus-mysqld-exporter:children] pointing at it. Plain
    // `kolla-ansible <cmd>` then only warns "Unable to parse ... as an inventory source", runs on no hosts and
    // exits 0 (checked by hand with kolla-ansible gather-facts); the harness sets
    // ANSIBLE_INVENTORY_UNPARSED_FAILED so the broken inventory fails loudly.
    const inv = await exampleInventory(k, 'dangling-child', ['mariadb']);
    const graph = await inventoryGraph(inv);
    expect(graph.exitCode).not.toBe(0);
    expect(graph.stderr).toContain("includes undefined group 'mariadb'");
    const res = await evaluateKollaVariables(await exampleConfig(k, 'dangling-child'), inv);
    expect(res.ok).toBe(false);
    expect(res.exitCode).not.toBe(0);
    expect(res.hosts).toEqual([]);
  }, ANSIBLE_TIMEOUT);
});
