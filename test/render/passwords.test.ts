// kolla/passwords.yml renderer: key table vs the 2026.1 reference file, value formats of every kind, re-rendering
// like kolla-mergepwd, malformed input, and kolla's "empty passwords" precheck. The real kolla tools are run in
// passwords.kolla.test.ts.
//
// Generated values are test secrets, but they are still never printed: assertions compare booleans, key lists
// and hashes, so a failure names keys, not values.
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { UserError } from '../../src/model/errors.js';
import {
  CIAB_OSISM_SEED_KEY,
  KOLLA_PASSWORD_KEYS,
  randomString,
  randomWithKeys,
  renderPasswords,
  type PasswordKind,
  type RandomSource,
  type RenderedPasswords,
  type SshKeyPair,
} from '../../src/render/passwords.js';
import { ensureKollaVenv, needVenv } from '../kolla/harness.js';
import { skipOrFail } from '../helpers/require.js';
import { fastRandom, fixtureKeyPairs } from '../helpers/random.js';

const execFileP = promisify(execFile);
const KINDS: Record<string, PasswordKind | undefined> = KOLLA_PASSWORD_KEYS;
const SSH_KEYS = Object.keys(KOLLA_PASSWORD_KEYS).filter((k) => KINDS[k] === 'ssh');

const FORMAT: Record<Exclude<PasswordKind, 'ssh' | 'blank'>, RegExp> = {
  password: /^[A-Za-z0-9]{40}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  'hmac-md5': /^[0-9a-f]{32}$/,
  fernet: /^[A-Za-z0-9_-]{43}=$/,
  'bcrypt-salt': /^[A-Za-z0-9./]{22}$/,
};

/** kolla's precheck: grep '^[^#].*:\s*$' passwords.yml, then lines with ssh_key are dropped and any ':' fails. */
const PRECHECK = /^[^#].*:\s*$/;
function precheckFailures(content: string): string[] {
  return content.split('\n').filter((line) => PRECHECK.test(line) && !line.includes('ssh_key'));
}

/** Keys whose values differ (deep, by canonical JSON): never the values themselves. */
function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const canon = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => canon(a[k]) !== canon(b[k])).sort();
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Deterministic bytes (sha256 counter mode) and a fixed set of real RSA-4096 pairs handed out in turn. */
function seededRandom(seed: string, pairs: SshKeyPair[]): RandomSource & { sshCalls: number } {
  let counter = 0;
  const source = {
    sshCalls: 0,
    bytes(n: number): Uint8Array {
      const out: Buffer[] = [];
      for (let len = 0; len < n; len += 32) out.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
      return Buffer.concat(out).subarray(0, n);
    },
    sshKeyPair(): Promise<SshKeyPair> {
      const pair = pairs[source.sshCalls++ % pairs.length]!;
      return Promise.resolve({ ...pair });
    },
  };
  return source;
}

/** A source that hands out the given bytes (then zeros) and no ssh keys. */
function scriptedBytes(bytes: number[]): RandomSource {
  const queue = [...bytes];
  return {
    bytes: (n) => Uint8Array.from({ length: n }, () => queue.shift() ?? 0),
    sshKeyPair: () => Promise.reject(new Error('no ssh keys in this test')),
  };
}

function errorOf(fn: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
}

/** Parse an OpenSSH "ssh-rsa" public key blob into e and n (as unsigned big-endian hex). */
function parseSshRsa(line: string): { type: string; e: string; n: string } {
  const [type, b64, ...rest] = line.split(' ');
  expect(rest).toEqual([]);
  const blob = Buffer.from(b64!, 'base64');
  let off = 0;
  const next = (): Buffer => {
    const len = blob.readUInt32BE(off);
    const data = blob.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return data;
  };
  const blobType = next().toString();
  const e = next();
  const n = next();
  expect(off).toBe(blob.length);
  expect(blobType).toBe(type);
  // mpints: positive, minimal (a leading 0x00 only when the next byte has its high bit set)
  for (const m of [e, n]) {
    expect(m[0]! & 0x80).toBe(0);
    if (m[0] === 0) expect(m[1]! & 0x80).not.toBe(0);
  }
  const hex = (m: Buffer): string => m.toString('hex').replace(/^(00)+/, '');
  return { type: type!, e: hex(e), n: hex(n) };
}

let real: RenderedPasswords;
let pairs: SshKeyPair[];

beforeAll(async () => {
  // One render with the product's source: node:crypto's bytes, and RSA-4096 private keys made elsewhere (in the
  // product, child processes: test/env/rsa-keys.test.ts makes real ones). Here the seven pre-generated private
  // keys, so what is checked below is this file's own work: the public keys, the PEMs and the layout.
  const privateKeys = fixtureKeyPairs().map((pair) => pair.private_key);
  real = await renderPasswords({ existing: null, adminPassword: null, random: randomWithKeys(async () => privateKeys.shift()!) });
  pairs = SSH_KEYS.map((k) => real.values[k] as SshKeyPair);
}, 180_000);

describe('key table (2026.1 contract)', () => {
  it('covers 107 keys with the documented number of each kind', () => {
    const count = (kind: PasswordKind): number => Object.values(KINDS).filter((k) => k === kind).length;
    expect(Object.keys(KOLLA_PASSWORD_KEYS)).toHaveLength(107);
    expect([count('ssh'), count('uuid'), count('hmac-md5'), count('fernet'), count('bcrypt-salt'), count('blank'), count('password')]).toEqual([
      7, 6, 2, 1, 1, 1, 89,
    ]);
  });

  it("equals the keys of the release's passwords.yml (from the pinned package), in order, ssh keys being the mappings", async (ctx) => {
    const share = needVenv(ctx, await ensureKollaVenv()).share;
    const reference = parse(await readFile(path.join(share, 'etc_examples', 'kolla', 'passwords.yml'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(KOLLA_PASSWORD_KEYS)).toEqual(Object.keys(reference));
    const mappings = Object.keys(reference).filter((k) => reference[k] !== null);
    expect(mappings).toEqual(SSH_KEYS);
    for (const k of mappings) expect(reference[k]).toEqual({ private_key: null, public_key: null });
  });
});

describe('a first render (the product\'s source: node:crypto bytes, keys made elsewhere)', () => {
  it('is kolla/passwords.yml, secret, mode 0600', () => {
    expect(real.file.path).toBe('kolla/passwords.yml');
    expect(real.file.secret).toBe(true);
    expect(real.file.mode).toBe(0o600);
  });

  it('has every release key, each in the format of its kind', () => {
    expect(Object.keys(real.values).sort()).toEqual([...Object.keys(KOLLA_PASSWORD_KEYS), CIAB_OSISM_SEED_KEY].sort());
    expect(FORMAT.password.test(real.values[CIAB_OSISM_SEED_KEY] as string)).toBe(true);
    const wrong: string[] = [];
    for (const [key, kind] of Object.entries(KINDS)) {
      const v = real.values[key];
      if (kind === 'blank') {
        if (v !== null) wrong.push(key);
      } else if (kind === 'ssh') {
        const ok = v !== null && typeof v === 'object' && Object.keys(v).sort().join() === 'private_key,public_key';
        if (!ok) wrong.push(key);
      } else if (!(typeof v === 'string' && FORMAT[kind!].test(v))) wrong.push(key);
    }
    expect(wrong).toEqual([]);
  });

  it('all secrets differ from each other', () => {
    const strings = Object.values(real.values).filter((v): v is string => typeof v === 'string');
    expect(strings.length).toBe(107 - 7 - 1 + 1); // + ciab's OSISM seed
    expect(new Set(strings).size).toBe(strings.length);
    expect(new Set(pairs.map((p) => p.public_key)).size).toBe(7);
  });

  it('barbican_crypto_key is a Fernet key: urlsafe base64 of 32 bytes', () => {
    const key = real.values.barbican_crypto_key as string;
    expect(key).toHaveLength(44);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(Buffer.from(key, 'base64url').toString('base64').replace(/\+/g, '-').replace(/\//g, '_') === key).toBe(true);
  });

  it('ssh keys: PKCS8 PEM RSA 4096 private keys whose public part is the ssh-rsa line', () => {
    for (const [i, pair] of pairs.entries()) {
      const name = SSH_KEYS[i];
      expect(pair.private_key.startsWith('-----BEGIN PRIVATE KEY-----\n'), name).toBe(true);
      expect(pair.private_key.endsWith('\n-----END PRIVATE KEY-----\n'), name).toBe(true);
      const priv = createPrivateKey(pair.private_key);
      expect(priv.asymmetricKeyType).toBe('rsa');
      expect(priv.asymmetricKeyDetails?.modulusLength).toBe(4096);
      expect(priv.asymmetricKeyDetails?.publicExponent).toBe(65537n);
      expect(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/]+=*$/.test(pair.public_key), name).toBe(true);
      const ssh = parseSshRsa(pair.public_key);
      const jwk = createPublicKey(priv).export({ format: 'jwk' });
      expect(ssh.type).toBe('ssh-rsa');
      expect(ssh.e).toBe('010001');
      expect(ssh.n === Buffer.from(jwk.n!, 'base64url').toString('hex'), name).toBe(true);
      expect(ssh.n.length * 4).toBe(4096);
    }
  });

  it('ssh-keygen derives the same public key from the private key', async (ctx) => {
    if (!existsSync('/usr/bin/ssh-keygen')) skipOrFail(ctx, 'ssh-keygen not installed (apt: openssh-client)');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ciab-pw-ssh-'));
    try {
      const file = path.join(dir, 'id_rsa');
      await writeFile(file, pairs[0]!.private_key, { mode: 0o600 });
      const { stdout } = await execFileP('ssh-keygen', ['-y', '-f', file]);
      expect(stdout.trim().split(' ').slice(0, 2).join(' ') === pairs[0]!.public_key).toBe(true);
      await writeFile(`${file}.pub`, `${pairs[0]!.public_key}\n`);
      const fp = await execFileP('ssh-keygen', ['-l', '-f', `${file}.pub`]);
      expect(fp.stdout).toMatch(/^4096 SHA256:\S+ .*\(RSA\)$/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads back to the same values (YAML 1.1 like PyYAML/ansible), with sorted keys and block style', () => {
    const content = real.file.content;
    expect(differingKeys(parse(content, { version: '1.1' }) as Record<string, unknown>, real.values)).toEqual([]);
    const topKeys = content.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(':')[0]!);
    expect(topKeys).toEqual([...topKeys].sort());
    expect(topKeys).toHaveLength(108); // kolla's 107 and ciab's seed
    // booleans, not toMatch: a failing toMatch would print the file
    expect(content.includes('\ndocker_registry_password: null\n')).toBe(true);
    expect(/[{}[\]]/.test(content), 'flow style').toBe(false);
    expect(/^kolla_ssh_key:\n {2}private_key: \|\n {4}-----BEGIN PRIVATE KEY-----\n/m.test(content)).toBe(true);
    expect(/\n {4}-----END PRIVATE KEY-----\n {2}public_key: ssh-rsa AAAA/.test(content)).toBe(true);
    expect(content.endsWith('\n')).toBe(true);
  });

  it("kolla's empty-password precheck finds nothing (and does find the release's blank file)", async (ctx) => {
    expect(precheckFailures(real.file.content)).toEqual([]);
    // the same regex on a file with blanks: it must catch them, else the check above proves nothing
    expect(precheckFailures('a: 1\nb:\nc:   \n# d:\nnova_ssh_key:\n')).toEqual(['b:', 'c:   ']);
    // 100 blank keys and the 14 private_key: / public_key: lines of the 7 ssh keys
    const share = needVenv(ctx, await ensureKollaVenv()).share;
    expect(precheckFailures(await readFile(path.join(share, 'etc_examples', 'kolla', 'passwords.yml'), 'utf8')).length).toBe(114);
  });

  it("kolla's precheck with the real grep finds nothing either", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ciab-pw-grep-'));
    try {
      const file = path.join(dir, 'passwords.yml');
      await writeFile(file, real.file.content, { mode: 0o600 });
      // grep exits 1 when no line matches; the only matching lines allowed are the ssh_key ones
      const res = await execFileP('grep', ['^[^#].*:\\s*$', file]).catch((e: { code: number; stdout: string }) => e);
      const lines = (res.stdout ?? '').split('\n').filter(Boolean);
      expect(lines.filter((l) => !l.includes('ssh_key'))).toEqual([]);
      expect(lines.sort()).toEqual(SSH_KEYS.map((k) => `${k}:`).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('generators', () => {
  it('random strings reject bytes that would bias the modulo (>= 248 for 62 chars)', () => {
    // 255 and 248 are rejected; 247 % 62 = 61 -> '9'; 0 -> 'A'; 61 -> '9'
    expect(randomString(scriptedBytes([255, 248, 0, 247, 61]), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 3)).toBe('A99');
    // every byte is usable for a 64-char alphabet
    expect(randomString(scriptedBytes([255, 64, 63]), `${'x'.repeat(63)}Y`, 3)).toBe('YxY');
  });

  it('the same seed gives the same file; another seed a different one', async () => {
    const a = await renderPasswords({ existing: null, adminPassword: null, random: seededRandom('s1', pairs) });
    const b = await renderPasswords({ existing: null, adminPassword: null, random: seededRandom('s1', pairs) });
    const c = await renderPasswords({ existing: null, adminPassword: null, random: seededRandom('s2', pairs) });
    expect(sha(a.file.content)).toBe(sha(b.file.content));
    expect(sha(a.file.content)).not.toBe(sha(c.file.content));
    expect(differingKeys(a.values, c.values).length).toBe(107 - 1 - 7 + 1); // ssh pairs come from the same list; + the OSISM seed
  });

  it('starts the 7 ssh key pairs before awaiting any (concurrent generation)', async () => {
    let started = 0;
    let maxInFlight = 0;
    let inFlight = 0;
    const base = seededRandom('c', pairs);
    const source: RandomSource = {
      bytes: base.bytes,
      sshKeyPair: async () => {
        started++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return base.sshKeyPair();
      },
    };
    await renderPasswords({ existing: null, adminPassword: null, random: source });
    expect(started).toBe(7);
    expect(maxInFlight).toBe(7);
  });
});

describe('admin password', () => {
  it('lands in keystone_admin_password, also with YAML-special characters', async () => {
    for (const admin of ['Secret-Admin-1', 'yes', '0777', "it's: #not a comment", ' lead', 'null', '- x', '1e3']) {
      const r = await renderPasswords({ existing: null, adminPassword: admin, random: seededRandom('a', pairs) });
      const back = parse(r.file.content, { version: '1.1' }) as Record<string, unknown>;
      expect(back.keystone_admin_password === admin, `admin password case ${sha(admin)}`).toBe(true);
      expect(r.values.keystone_admin_password === admin).toBe(true);
      expect(precheckFailures(r.file.content)).toEqual([]);
    }
  });

  it('replaces an existing one; an empty one is refused', async () => {
    const first = await renderPasswords({ existing: null, adminPassword: 'first-admin', random: seededRandom('a', pairs) });
    const again = await renderPasswords({ existing: first.file.content, adminPassword: 'second-admin', random: seededRandom('b', pairs) });
    expect(again.values.keystone_admin_password === 'second-admin').toBe(true);
    expect(differingKeys(first.values, again.values)).toEqual(['keystone_admin_password']);
    await expect(renderPasswords({ existing: null, adminPassword: '', random: seededRandom('a', pairs) })).rejects.toThrow(UserError);
  });
});

describe('re-render (like kolla-mergepwd, then kolla-genpwd)', () => {
  let first: RenderedPasswords;
  beforeAll(async () => {
    first = await renderPasswords({ existing: null, adminPassword: null, random: seededRandom('first', pairs) });
  });

  it('keeps every value: the same file, byte for byte, and no new ssh key', async () => {
    const source = seededRandom('other', pairs);
    const again = await renderPasswords({ existing: first.file.content, adminPassword: null, random: source });
    expect(sha(again.file.content)).toBe(sha(first.file.content));
    expect(source.sshCalls).toBe(0);
  });

  it('keeps the OSISM seed when the admin password changes, and adds one to a file from before it existed', async () => {
    const changed = await renderPasswords({ existing: first.file.content, adminPassword: 'A-new-admin-password-1', random: seededRandom('other', pairs) });
    expect(differingKeys(first.values, changed.values)).toEqual(['keystone_admin_password']);
    const doc = parseDocument(first.file.content, { version: '1.1' });
    doc.delete(CIAB_OSISM_SEED_KEY);
    const older = await renderPasswords({ existing: doc.toString(), adminPassword: null, random: seededRandom('other', pairs) });
    expect(differingKeys(first.values, older.values)).toEqual([CIAB_OSISM_SEED_KEY]);
    expect(FORMAT.password.test(older.values[CIAB_OSISM_SEED_KEY] as string)).toBe(true);
  });

  it('adds a key the file lacks and keeps all others', async () => {
    const doc = parseDocument(first.file.content, { version: '1.1' });
    doc.delete('nova_keystone_password');
    doc.delete('neutron_ssh_key');
    const source = seededRandom('other', pairs);
    const again = await renderPasswords({ existing: doc.toString(), adminPassword: null, random: source });
    expect(differingKeys(first.values, again.values)).toEqual(['neutron_ssh_key', 'nova_keystone_password']);
    expect(FORMAT.password.test(again.values.nova_keystone_password as string)).toBe(true);
    expect(source.sshCalls).toBe(1);
  });

  it('fills null values, and an ssh key whose halves are both null', async () => {
    const doc = parseDocument(first.file.content, { version: '1.1' });
    doc.set('rabbitmq_password', null);
    doc.setIn(['bifrost_ssh_key', 'private_key'], null);
    doc.setIn(['bifrost_ssh_key', 'public_key'], null);
    doc.set('haproxy_ssh_key', null);
    const again = await renderPasswords({ existing: doc.toString(), adminPassword: null, random: seededRandom('x', pairs) });
    expect(differingKeys(first.values, again.values)).toEqual(['bifrost_ssh_key', 'haproxy_ssh_key', 'rabbitmq_password']);
    expect(again.values.docker_registry_password).toBeNull();
  });

  it('a file of an earlier release: keeps keys 2026.1 dropped, fills null ones, migrates redis to valkey', async () => {
    const doc = parseDocument(first.file.content, { version: '1.1' });
    doc.delete('valkey_master_password');
    doc.delete('osprofiler_secret');
    doc.set('redis_master_password', 'OldRedisPassword0123456789abcdefghijKLMN');
    doc.set('zun_keystone_password', 'OldZunPassword0123456789abcdefghijklmnOP');
    doc.set('zun_database_password', null);
    doc.set('kuryr_keystone_password', 12345);
    const again = await renderPasswords({ existing: doc.toString(), adminPassword: null, random: seededRandom('y', pairs) });
    const v = again.values;
    expect(v.valkey_master_password === 'OldRedisPassword0123456789abcdefghijKLMN').toBe(true);
    expect(v.redis_master_password === 'OldRedisPassword0123456789abcdefghijKLMN').toBe(true);
    expect(v.zun_keystone_password === 'OldZunPassword0123456789abcdefghijklmnOP').toBe(true);
    expect(FORMAT.password.test(v.zun_database_password as string)).toBe(true); // genpwd fills any null key
    expect(v.kuryr_keystone_password).toBe(12345n);
    expect(FORMAT['hmac-md5'].test(v.osprofiler_secret as string)).toBe(true);
    expect(differingKeys(first.values, v)).toEqual([
      'kuryr_keystone_password',
      'osprofiler_secret',
      'redis_master_password',
      'valkey_master_password',
      'zun_database_password',
      'zun_keystone_password',
    ]);
    expect(precheckFailures(again.file.content)).toEqual([]);
  });

  it('no valkey migration when valkey_master_password is present, even as null', async () => {
    const doc = parseDocument(first.file.content, { version: '1.1' });
    doc.set('valkey_master_password', null);
    doc.set('redis_master_password', 'OldRedisPassword0123456789abcdefghijKLMN');
    const again = await renderPasswords({ existing: doc.toString(), adminPassword: null, random: seededRandom('z', pairs) });
    expect(again.values.valkey_master_password === 'OldRedisPassword0123456789abcdefghijKLMN').toBe(false);
    expect(FORMAT.password.test(again.values.valkey_master_password as string)).toBe(true);
  });

  it('keeps values that are not strings, and strings YAML 1.1 would misread, as they are', async () => {
    const text = `${first.file.content}odd_octal: 0777\nodd_bool: yes\nodd_quoted: '0777'\nodd_list:\n- a\n- 1\n`;
    const again = await renderPasswords({ existing: text, adminPassword: null, random: seededRandom('o', pairs) });
    expect(again.values.odd_octal).toBe(511n);
    expect(again.values.odd_bool).toBe(true);
    expect(again.values.odd_quoted).toBe('0777');
    expect(again.values.odd_list).toEqual(['a', 1n]);
    const back = parse(again.file.content, { version: '1.1', intAsBigInt: true }) as Record<string, unknown>;
    expect(differingKeys(back, again.values)).toEqual([]);
  });
});

describe('a malformed existing file is a UserError naming the key, never the secret', () => {
  const SECRET = 'TopSecretValue0123456789abcdefghijklmnop';
  let base: string;
  beforeAll(async () => {
    base = (await renderPasswords({ existing: null, adminPassword: SECRET, random: seededRandom('m', pairs) })).file.content;
  });

  const cases: Array<[string, (text: string) => string, RegExp]> = [
    ['bad indentation', (t) => t.replace(/^keystone_admin_password: /m, '  keystone_admin_password: '), /kolla\/passwords\.yml:\d+:\d+: not valid YAML/],
    ['unclosed quote', (t) => t.replace(/^(keystone_admin_password: )(.*)$/m, "$1'$2"), /not valid YAML \(in keystone_admin_password\)/],
    ['duplicate key', (t) => `${t}keystone_admin_password: ${SECRET}\n`, /not valid YAML \(in keystone_admin_password\): a key appears twice/],
    ['two documents', (t) => `${t}---\nx: 1\n`, /more than one YAML document/],
    ['not a mapping', () => `- ${SECRET}\n`, /expected a mapping of key: value, got a list/],
    ['empty file', () => '', /is empty/],
    ['only a comment', () => '# nothing\n', /is empty/],
    ['a mapping where a password belongs', (t) => t.replace(/^keystone_admin_password: .*$/m, `keystone_admin_password:\n  a: ${SECRET}`), /keystone_admin_password: expected a single value, got a mapping/],
    ['an empty-string password', (t) => t.replace(/^keystone_admin_password: .*$/m, "keystone_admin_password: ''"), /keystone_admin_password: is an empty string/],
    ['half an ssh key', (t) => t.replace(/^( {2}public_key: ssh-rsa .*)$/m, '  public_key: null'), /bifrost_ssh_key: has private_key but no public_key/],
    ['ssh key as a string', (t) => t.replace(/^nova_ssh_key:\n(  .*\n|    .*\n)+/m, `nova_ssh_key: ${SECRET}\n`), /nova_ssh_key: expected a mapping with private_key and public_key, got a string/],
    ['ssh halves swapped', (t) => t.replace(/^( {2})private_key:/m, '$1tmp_key:').replace(/^( {2})public_key:/m, '$1private_key:').replace(/^( {2})tmp_key:/m, '$1public_key:'), /bifrost_ssh_key\.private_key: not a PEM private key/],
    ['extra field in an ssh key', (t) => t.replace(/^bifrost_ssh_key:\n/m, `bifrost_ssh_key:\n  passphrase: ${SECRET}\n`), /bifrost_ssh_key: unexpected field passphrase/],
    ['a dangling alias', (t) => t.replace(/^keystone_admin_password: .*$/m, 'keystone_admin_password: *nope'), /keystone_admin_password: an alias without its anchor/],
    ['an inline ansible-vault value', (t) => t.replace(/^keystone_admin_password: .*$/m, `keystone_admin_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ${SECRET}`), /\(in keystone_admin_password\): an unsupported tag/],
    ['a file encrypted with ansible-vault', () => `$ANSIBLE_VAULT;1.1;AES256\n${SECRET}\n`, /is encrypted with ansible-vault/],
    ['a non-name key', (t) => `${t}? [a, b]\n: ${SECRET}\n`, /a top-level key is not a name/],
  ];

  for (const [name, edit, message] of cases) {
    it(name, async () => {
      const source = seededRandom('m2', pairs);
      const error = await errorOf(() => renderPasswords({ existing: edit(base), adminPassword: null, random: source }));
      expect(error).toBeInstanceOf(UserError);
      const text = `${(error as UserError).message}\n${(error as UserError).hint ?? ''}`;
      expect(text.includes(SECRET), 'the message quotes the secret').toBe(false);
      expect(text.includes(pairs[0]!.private_key.slice(40, 80)), 'the message quotes a key').toBe(false);
      expect((error as UserError).message).toMatch(message);
      expect(source.sshCalls).toBe(0);
    });
  }

  it('names the file as given', async () => {
    const error = await errorOf(() => renderPasswords({ existing: '[1]', adminPassword: null, existingName: '/etc/kolla/passwords.yml', random: fastRandom() }));
    expect((error as UserError).message).toMatch(/^\/etc\/kolla\/passwords\.yml: expected a mapping/);
  });
});
