// The passwords.yml renderer against the REAL kolla-ansible 2026.1 tools from the pinned venv (test/kolla/harness):
// the installed package's key list, kolla-genpwd's value kinds, PyYAML's reading of our file, kolla-genpwd and
// kolla-mergepwd run on our file. Skips with the reason when the venv cannot be built.
//
// Values are compared in memory; failures name keys or kinds, never values.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { parseDocument } from 'yaml';
import { CIAB_OSISM_SEED_KEY, KOLLA_PASSWORD_KEYS, renderPasswords, type PasswordKind, type RenderedPasswords } from '../../src/render/passwords.js';
import { fastRandom } from '../helpers/random.js';
import { cleanupKollaHarness, ensureKollaVenv, needVenv, kollaPasswordKeys, type KollaVenv, type VenvUnavailable } from '../kolla/harness.js';

const execFileP = promisify(execFile);
const KINDS: Record<string, PasswordKind | undefined> = KOLLA_PASSWORD_KEYS;
const TIMEOUT = 120_000;
const ADMIN = 'Admin-Password-For-Tests-1';

let kv: KollaVenv | VenvUnavailable | undefined;
let work = '';
let ours: RenderedPasswords;
let oursFile = '';

beforeAll(async () => {
  kv = await ensureKollaVenv();
  if ('skip' in kv) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'ciab-pw-kolla-'));
  ours = await renderPasswords({ existing: null, adminPassword: ADMIN, random: fastRandom('passwords-kolla') });
  oursFile = path.join(work, 'ours.yml');
  await writeFile(oursFile, ours.file.content, { mode: ours.file.mode });
}, 600_000);

afterAll(async () => {
  await cleanupKollaHarness();
  if (work) await rm(work, { recursive: true, force: true });
});

const need = (ctx: TestContext): KollaVenv => needVenv(ctx, kv);

const releaseFile = (k: KollaVenv): string => path.join(k.share, 'etc_examples', 'kolla', 'passwords.yml');

/** yaml.safe_load(FILE) by the venv's Python (PyYAML, what kolla's tools use), as JSON, kept in memory. */
async function safeLoad(k: KollaVenv, file: string): Promise<Record<string, unknown>> {
  const script = 'import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1])), default=str))';
  const { stdout } = await execFileP(path.join(k.bin, 'python3'), ['-c', script, file], { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** `kolla-genpwd -p FILE` on a copy of `source`; returns the copy. */
async function genpwd(k: KollaVenv, source: string, name: string): Promise<string> {
  const file = path.join(work, name);
  await copyFile(source, file);
  await execFileP(path.join(k.bin, 'kolla-genpwd'), ['-p', file]);
  return file;
}

async function mergepwd(k: KollaVenv, old: string, name: string, clean = false): Promise<string> {
  const final = path.join(work, name);
  await execFileP(path.join(k.bin, 'kolla-mergepwd'), ['--old', old, '--new', releaseFile(k), '--final', final, ...(clean ? ['--clean'] : [])]);
  return final;
}

function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x));
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canon(a[k]) !== canon(b[k])).sort();
}

/** The kind a value looks like (by its format alone). */
function kindOf(v: unknown): PasswordKind | 'other' {
  if (v === null) return 'blank';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const ok =
      Object.keys(o).sort().join() === 'private_key,public_key' &&
      typeof o.private_key === 'string' &&
      o.private_key.startsWith('-----BEGIN PRIVATE KEY-----\n') &&
      typeof o.public_key === 'string' &&
      /^ssh-rsa AAAA[A-Za-z0-9+/]+=*$/.test(o.public_key);
    return ok ? 'ssh' : 'other';
  }
  if (typeof v !== 'string') return 'other';
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v)) return 'uuid';
  if (/^[0-9a-f]{32}$/.test(v)) return 'hmac-md5';
  if (/^[A-Za-z0-9_-]{43}=$/.test(v)) return 'fernet';
  if (/^[A-Za-z0-9./]{22}$/.test(v)) return 'bcrypt-salt';
  if (/^[A-Za-z0-9]{40}$/.test(v)) return 'password';
  return 'other';
}

const kindsOf = (values: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.keys(values).sort().map((k) => [k, kindOf(values[k])]));

const sortedKinds = (): Record<string, string> => Object.fromEntries(Object.keys(KINDS).sort().map((k) => [k, KINDS[k]!]));

describe('kolla-ansible 2026.1 package (pinned venv)', () => {
  it("our key table equals the installed package's passwords.yml keys, in order", async (ctx) => {
    const k = need(ctx);
    expect(Object.keys(KOLLA_PASSWORD_KEYS)).toEqual(await kollaPasswordKeys(k.share));
  });

  it('kolla-genpwd gives every key the kind our table says', async (ctx) => {
    const k = need(ctx);
    const theirs = await safeLoad(k, await genpwd(k, releaseFile(k), 'genpwd-release.yml'));
    expect(kindsOf(theirs)).toEqual(sortedKinds());
  }, TIMEOUT);

  it("PyYAML reads our file as our values, with the same shape as kolla-genpwd's file", async (ctx) => {
    const k = need(ctx);
    const loaded = await safeLoad(k, oursFile);
    expect(differingKeys(loaded, ours.values)).toEqual([]);
    expect(loaded.keystone_admin_password === ADMIN).toBe(true);
    expect(kindsOf(loaded)).toEqual({ ...sortedKinds(), [CIAB_OSISM_SEED_KEY]: 'password', keystone_admin_password: 'other' });
  });

  it('kolla-genpwd on our file changes nothing (we filled every key it fills)', async (ctx) => {
    const k = need(ctx);
    const after = await safeLoad(k, await genpwd(k, oursFile, 'genpwd-ours.yml'));
    expect(differingKeys(after, await safeLoad(k, oursFile))).toEqual([]);
  }, TIMEOUT);

  it('re-rendering a file kolla-genpwd wrote keeps every value and adds only the OSISM seed (PyYAML reads both the same)', async (ctx) => {
    const k = need(ctx);
    const theirsFile = await genpwd(k, releaseFile(k), 'genpwd-release-2.yml');
    let generatedBytes = 0;
    const again = await renderPasswords({
      existing: await readFile(theirsFile, 'utf8'),
      adminPassword: null,
      // only the seed (ciab's key, unknown to kolla) is new: a handful of bytes for one 40-character password
      random: { bytes: (n) => ((generatedBytes += n), randomBytes(n)), sshKeyPair: () => Promise.reject(new Error('no key may be generated')) },
    });
    const againFile = path.join(work, 'genpwd-rerendered.yml');
    await writeFile(againFile, again.file.content, { mode: 0o600 });
    expect(differingKeys(await safeLoad(k, againFile), await safeLoad(k, theirsFile))).toEqual([CIAB_OSISM_SEED_KEY]);
    expect(generatedBytes).toBeGreaterThan(0);
    expect(generatedBytes).toBeLessThan(1024);
  }, TIMEOUT);

  it('kolla-mergepwd --old OURS --new <release> keeps all our values, ciab\'s OSISM seed too', async (ctx) => {
    const k = need(ctx);
    const merged = await safeLoad(k, await mergepwd(k, oursFile, 'merged.yml'));
    expect(differingKeys(merged, ours.values)).toEqual([]);
    expect(typeof merged[CIAB_OSISM_SEED_KEY] === 'string' && merged[CIAB_OSISM_SEED_KEY] === ours.values[CIAB_OSISM_SEED_KEY]).toBe(true);
  }, TIMEOUT);

  it('re-rendering a file of an earlier release gives what kolla-mergepwd + kolla-genpwd give', async (ctx) => {
    const k = need(ctx);
    // a 2025.2-like file: zun/kuryr keys (gone in 2026.1), redis but no valkey, a few keys missing or null
    const doc = parseDocument(ours.file.content, { version: '1.1' });
    const redis = 'OldRedisPassword0123456789abcdefghijKLMN';
    doc.delete('valkey_master_password');
    doc.set('redis_master_password', redis);
    doc.set('zun_keystone_password', 'OldZunPassword0123456789abcdefghijklmnOP');
    doc.set('kuryr_keystone_password', 12345);
    doc.set('zun_database_password', null);
    doc.delete('osprofiler_secret');
    doc.delete('nova_ssh_key');
    doc.set('rabbitmq_password', null);
    doc.set('barbican_crypto_key', null);
    const oldText = doc.toString();
    const oldFile = path.join(work, 'old.yml');
    await writeFile(oldFile, oldText, { mode: 0o600 });
    const old = await safeLoad(k, oldFile);

    const kolla = await safeLoad(k, await genpwd(k, await mergepwd(k, oldFile, 'old-merged.yml'), 'old-merged-genpwd.yml'));
    const again = await renderPasswords({ existing: oldText, adminPassword: null, random: fastRandom('old-release') });
    const mine = await safeLoad(k, await (async () => {
      const f = path.join(work, 'old-ours.yml');
      await writeFile(f, again.file.content, { mode: 0o600 });
      return f;
    })());
    expect(differingKeys(mine, again.values)).toEqual([]);

    // the same keys, the removed ones included
    expect(Object.keys(mine).sort()).toEqual(Object.keys(kolla).sort());
    expect(Object.keys(mine)).toContain('zun_keystone_password');
    // every non-null old value kept by both
    const kept = Object.keys(old).filter((key) => old[key] !== null);
    const pick = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(kept.map((key) => [key, o[key]]));
    expect(differingKeys(pick(kolla), pick(old))).toEqual([]);
    expect(differingKeys(pick(mine), pick(old))).toEqual([]);
    // the valkey migration
    expect(kolla.valkey_master_password === redis).toBe(true);
    expect(mine.valkey_master_password === redis).toBe(true);
    // everything else freshly generated, of the same kind in both
    expect(kindsOf(mine)).toEqual(kindsOf(kolla));
    expect(mine.keystone_admin_password === ADMIN).toBe(true);
    const fresh = ['osprofiler_secret', 'nova_ssh_key', 'rabbitmq_password', 'barbican_crypto_key', 'zun_database_password'];
    expect(fresh.map((key) => kindOf(mine[key]))).toEqual(['hmac-md5', 'ssh', 'password', 'fernet', 'password']);
    expect(differingKeys(pick(mine), pick(kolla))).toEqual([]);

    // only --clean would drop the keys 2026.1 no longer has; the installer follows the default
    const cleaned = await safeLoad(k, await mergepwd(k, oldFile, 'old-merged-clean.yml', true));
    expect(Object.keys(cleaned)).not.toContain('zun_keystone_password');
    expect(Object.keys(cleaned).sort()).toEqual(Object.keys(KOLLA_PASSWORD_KEYS).sort());
  }, TIMEOUT);

  it('kolla-genpwd and kolla-mergepwd read our file without a permission warning', async (ctx) => {
    const k = need(ctx);
    const copy = path.join(work, 'mode.yml');
    await writeFile(copy, ours.file.content, { mode: ours.file.mode });
    const merge = await execFileP(path.join(k.bin, 'kolla-mergepwd'), ['--old', copy, '--new', copy, '--final', path.join(work, 'mode-out.yml')]);
    expect(merge.stdout + merge.stderr).not.toMatch(/WARNING/);
    const gen = await execFileP(path.join(k.bin, 'kolla-genpwd'), ['-p', copy]);
    expect(gen.stdout + gen.stderr).not.toMatch(/WARNING/);
    expect((await readFile(copy, 'utf8')).length).toBeGreaterThan(0);
  }, TIMEOUT);
});
