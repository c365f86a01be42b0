// kolla/passwords.yml: every secret of the cloud, written the way `kolla-genpwd` writes it and re-rendered the
// way `kolla-mergepwd` merges it (kolla-ansible 2026.1, see ../shared/docs/KOLLA-FACTS.md section d).
//
// The key list below is OUR data (the facts of the 2026.1 release), not kolla's code; a contract test proves it
// equals the release's own etc/kolla/passwords.yml. What each kind gets mirrors kolla_ansible/cmd/genpwd.py:
//   password     40 chars from [A-Za-z0-9] (random.SystemRandom().choice)
//   uuid         uuid4, dashed (oslo uuidutils.generate_uuid)
//   hmac-md5     hmac.new(uuid4().encode(), b'', md5).hexdigest(): 32 hex chars
//   fernet       Fernet.generate_key(): urlsafe base64 of 32 random bytes, 44 chars with padding
//   bcrypt-salt  ansible random_salt(22): 22 chars from [A-Za-z0-9./]
//   blank        left null (docker_registry_password: only set for a private registry)
//   ssh          RSA 4096: {private_key: PEM PKCS8 unencrypted, public_key: "ssh-rsa AAAA..."}
//
// Re-rendering (`existing` = the text of an earlier passwords.yml) behaves like `kolla-mergepwd --old EXISTING
// --new <release passwords.yml>` (without --clean) followed by `kolla-genpwd`:
//   * every existing non-null value is kept as it is, keys the release knows but the file lacks are added;
//   * keys the release no longer has are KEPT (mergepwd does `new.update(old)`; only --clean drops them), and,
//     like genpwd, a null one is filled with a password;
//   * mergepwd's 2026.1 migration: when the old file has a truthy redis_master_password and no
//     valkey_master_password key, valkey_master_password takes the redis value;
//   * an ssh key is generated only when it is null or both halves are null (genpwd's rule).
// Unlike the kolla tools, a file we cannot read with certainty (bad YAML, not a mapping, a half ssh key, a
// mapping where a password belongs, an empty-string password) is a UserError: secrets are never silently
// regenerated, because regenerating them would lock the installer out of an already deployed cloud.
//
// Output like yaml.safe_dump(default_flow_style=False): keys sorted, block style, null written as `null`,
// strings quoted wherever YAML 1.1 (PyYAML, ansible) would read them as something else. One deliberate
// difference: the multi-line PEM is a literal block scalar (`|`) instead of PyYAML's folded single-quoted
// scalar; yaml.safe_load gives the same string for both (a test checks it with Python).
//
// Error messages name the key and the problem, never a value.
import { createHmac, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, YAMLMap, type Node } from 'yaml';
import { UserError } from '../model/errors.js';
import type { RenderedFile } from '../model/files.js';

export type PasswordKind = 'ssh' | 'uuid' | 'hmac-md5' | 'fernet' | 'bcrypt-salt' | 'blank' | 'password';

/** Every top-level key of kolla-ansible 2026.1 etc/kolla/passwords.yml, in the release file's order, with its kind. */
export const KOLLA_PASSWORD_KEYS = {
  rbd_secret_uuid: 'uuid',
  cinder_rbd_secret_uuid: 'uuid',
  database_password: 'password',
  mariadb_backup_database_password: 'password',
  mariadb_monitor_password: 'password',
  docker_registry_password: 'blank',
  hnas_nfs_password: 'password',
  infoblox_admin_password: 'password',
  aodh_database_password: 'password',
  aodh_keystone_password: 'password',
  barbican_database_password: 'password',
  barbican_keystone_password: 'password',
  barbican_p11_password: 'password',
  barbican_crypto_key: 'fernet',
  blazar_database_password: 'password',
  blazar_keystone_password: 'password',
  keystone_admin_password: 'password',
  keystone_database_password: 'password',
  grafana_database_password: 'password',
  grafana_admin_password: 'password',
  glance_database_password: 'password',
  glance_keystone_password: 'password',
  gnocchi_database_password: 'password',
  gnocchi_keystone_password: 'password',
  nova_database_password: 'password',
  nova_api_database_password: 'password',
  nova_keystone_password: 'password',
  placement_keystone_password: 'password',
  placement_database_password: 'password',
  neutron_database_password: 'password',
  neutron_keystone_password: 'password',
  metadata_secret: 'password',
  cinder_database_password: 'password',
  cinder_keystone_password: 'password',
  cloudkitty_database_password: 'password',
  cloudkitty_keystone_password: 'password',
  cyborg_database_password: 'password',
  cyborg_keystone_password: 'password',
  designate_database_password: 'password',
  designate_keystone_password: 'password',
  designate_pool_id: 'uuid',
  designate_rndc_key: 'hmac-md5',
  heat_database_password: 'password',
  heat_keystone_password: 'password',
  heat_domain_admin_password: 'password',
  ironic_database_password: 'password',
  ironic_keystone_password: 'password',
  magnum_database_password: 'password',
  magnum_keystone_password: 'password',
  mistral_database_password: 'password',
  mistral_keystone_password: 'password',
  trove_database_password: 'password',
  trove_keystone_password: 'password',
  ceilometer_database_password: 'password',
  ceilometer_keystone_password: 'password',
  watcher_database_password: 'password',
  watcher_keystone_password: 'password',
  horizon_secret_key: 'password',
  horizon_database_password: 'password',
  telemetry_secret_key: 'password',
  manila_database_password: 'password',
  manila_keystone_password: 'password',
  octavia_database_password: 'password',
  octavia_persistence_database_password: 'password',
  octavia_keystone_password: 'password',
  octavia_ca_password: 'password',
  octavia_client_ca_password: 'password',
  tacker_database_password: 'password',
  tacker_keystone_password: 'password',
  masakari_database_password: 'password',
  masakari_keystone_password: 'password',
  memcache_secret_key: 'password',
  skyline_secret_key: 'password',
  skyline_database_password: 'password',
  skyline_keystone_password: 'password',
  osprofiler_secret: 'hmac-md5',
  nova_ssh_key: 'ssh',
  kolla_ssh_key: 'ssh',
  keystone_ssh_key: 'ssh',
  bifrost_ssh_key: 'ssh',
  octavia_amp_ssh_key: 'ssh',
  neutron_ssh_key: 'ssh',
  haproxy_ssh_key: 'ssh',
  gnocchi_project_id: 'uuid',
  gnocchi_resource_id: 'uuid',
  gnocchi_user_id: 'uuid',
  rabbitmq_password: 'password',
  rabbitmq_monitoring_password: 'password',
  rabbitmq_cluster_cookie: 'password',
  haproxy_password: 'password',
  keepalived_password: 'password',
  etcd_cluster_token: 'password',
  valkey_master_password: 'password',
  // "remove after 2026.1" in the release file; still a key of 2026.1
  redis_master_password: 'password',
  prometheus_mysql_exporter_database_password: 'password',
  prometheus_alertmanager_password: 'password',
  prometheus_password: 'password',
  prometheus_grafana_password: 'password',
  prometheus_haproxy_password: 'password',
  prometheus_skyline_password: 'password',
  prometheus_bcrypt_salt: 'bcrypt-salt',
  keystone_federation_openid_crypto_password: 'password',
  ceph_rgw_keystone_password: 'password',
  libvirt_sasl_password: 'password',
  proxysql_admin_password: 'password',
  proxysql_stats_password: 'password',
  opensearch_dashboards_password: 'password',
} as const satisfies Record<string, PasswordKind>;

export type KollaPasswordKey = keyof typeof KOLLA_PASSWORD_KEYS;

export const PASSWORDS_PATH = 'kolla/passwords.yml';

/**
 * ciab's own key in passwords.yml: the random seed the OSISM operator key and ARA passwords derive from. It
 * lives beside kolla's secrets so it is generated and kept like them (kolla-genpwd fills an unknown null key
 * with a password and leaves a set one alone; kolla-mergepwd carries unknown keys over, except with --clean).
 */
export const CIAB_OSISM_SEED_KEY = 'ciab_osism_seed';

/**
 * 0600, not genpwd's 0640: the file holds every secret of the cloud (the keystone admin password, database
 * passwords, seven private SSH keys). genpwd's group-read bit exists for a shared "kolla" operator group; the
 * installer runs as root, kolla-ansible reads the file as that same user, and nothing else needs it. genpwd
 * and mergepwd only warn about the world bits, so 0600 raises no warning from the kolla tools either.
 */
export const PASSWORDS_MODE = 0o600;

export const PASSWORD_LENGTH = 40;
export const RSA_BITS = 4096;

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SALT_CHARS = `${ALNUM}./`;

export interface SshKeyPair {
  /** PEM, PKCS8, unencrypted: "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n" */
  private_key: string;
  /** OpenSSH: "ssh-rsa AAAA..." (no comment, like cryptography's PublicFormat.OpenSSH) */
  public_key: string;
}

/** Where the randomness comes from: randomWithKeys in the product; tests may pass a seeded one. */
export interface RandomSource {
  /** n uniformly random bytes. */
  bytes(n: number): Uint8Array;
  /** A new SSH key pair (RSA 4096 by default). */
  sshKeyPair(): Promise<SshKeyPair>;
}

// ---------------------------------------------------------------------------------------------------------
// generators

/** `length` chars drawn uniformly from `alphabet` by rejection sampling (no modulo bias). */
export function randomString(random: RandomSource, alphabet: string, length: number): string {
  if (alphabet.length < 2 || alphabet.length > 256) throw new Error('alphabet must have 2..256 characters');
  const limit = 256 - (256 % alphabet.length); // bytes >= limit are rejected
  let out = '';
  while (out.length < length) {
    for (const b of random.bytes(Math.ceil((length - out.length) * 1.25) + 4)) {
      if (b < limit) out += alphabet[b % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

/** RFC 4122 version 4 UUID, lower-case and dashed like Python's str(uuid.uuid4()). */
export function uuid4(random: RandomSource): string {
  const b = Buffer.from(random.bytes(16).subarray(0, 16));
  if (b.length !== 16) throw new Error('RandomSource.bytes returned too few bytes');
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** hmac.new(uuid4().encode(), b'', md5).hexdigest() */
function hmacMd5Key(random: RandomSource): string {
  return createHmac('md5', uuid4(random)).update('').digest('hex');
}

/** cryptography's Fernet.generate_key(): base64.urlsafe_b64encode(os.urandom(32)), padding kept. */
function fernetKey(random: RandomSource): string {
  const key = Buffer.from(random.bytes(32).subarray(0, 32));
  if (key.length !== 32) throw new Error('RandomSource.bytes returned too few bytes');
  return key.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

function sshString(data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** RFC 4251 mpint of a positive big-endian integer: no leading zero bytes, one 0x00 when the high bit is set. */
function sshMpint(bigEndian: Buffer): Buffer {
  let i = 0;
  while (i < bigEndian.length - 1 && bigEndian[i] === 0) i++;
  const magnitude = bigEndian.subarray(i);
  return sshString(magnitude[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), magnitude]) : magnitude);
}

/** "ssh-rsa <base64 of: string 'ssh-rsa', mpint e, mpint n>" (RFC 4253 section 6.6). */
export function opensshRsaPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('not an RSA key');
  const blob = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshMpint(Buffer.from(jwk.e, 'base64url')),
    sshMpint(Buffer.from(jwk.n, 'base64url')),
  ]);
  return `ssh-rsa ${blob.toString('base64')}`;
}

/** A key pair from a PKCS8 PEM private key made elsewhere (a child process), formatted like genpwd's generate_RSA(). */
export function sshKeyPairFromPrivatePem(privateKeyPem: string): SshKeyPair {
  return { private_key: privateKeyPem, public_key: opensshRsaPublicKey(createPublicKey(privateKeyPem)) };
}

/** node:crypto's randomness, with the RSA keys made by `privateKeyPem` (e.g. env/rsa-keys.ts: off this process). */
export function randomWithKeys(privateKeyPem: (bits: number) => Promise<string>): RandomSource {
  return { bytes: (n) => randomBytes(n), sshKeyPair: async () => sshKeyPairFromPrivatePem(await privateKeyPem(RSA_BITS)) };
}

function generateValue(kind: Exclude<PasswordKind, 'ssh' | 'blank'>, random: RandomSource): string {
  switch (kind) {
    case 'uuid':
      return uuid4(random);
    case 'hmac-md5':
      return hmacMd5Key(random);
    case 'fernet':
      return fernetKey(random);
    case 'bcrypt-salt':
      return randomString(random, SALT_CHARS, 22);
    case 'password':
      return randomString(random, ALNUM, PASSWORD_LENGTH);
  }
}

// ---------------------------------------------------------------------------------------------------------
// reading an existing file

/** A value as the file holds it. Non-string scalars (numbers, booleans, dates) keep their YAML node. */
type Entry =
  | { type: 'null' }
  | { type: 'string'; value: string }
  | { type: 'ssh'; private_key: string; public_key: string }
  | { type: 'node'; node: Node; js: unknown };

const YAML_PROBLEMS: Partial<Record<string, string>> = {
  BAD_INDENT: 'bad indentation',
  TAB_AS_INDENT: 'a tab used for indentation',
  DUPLICATE_KEY: 'a key appears twice',
  MULTIPLE_DOCS: 'more than one YAML document',
  MULTILINE_IMPLICIT_KEY: 'a key spans more than one line',
  BLOCK_AS_IMPLICIT_KEY: 'a block value used as a key',
  MISSING_CHAR: 'a quote or bracket is not closed',
  BAD_DQ_ESCAPE: 'a bad escape in a double-quoted string',
  BAD_ALIAS: 'an alias without its anchor',
  UNEXPECTED_TOKEN: 'unexpected characters',
  BAD_SCALAR_START: 'a value starts with a reserved character',
  TAG_RESOLVE_FAILED: 'an unsupported tag (values encrypted inline with ansible-vault cannot be merged)',
};

function yamlError(doc: Document.Parsed, lines: LineCounter, file: string, error: { code: string; pos: [number, number] }): UserError {
  const at = error.pos[0];
  const pos = lines.linePos(at);
  // the top-level key whose entry holds the error: the last one starting at or before it
  let key: string | undefined;
  if (isMap(doc.contents) && error.code !== 'MULTIPLE_DOCS') {
    for (const pair of doc.contents.items) {
      const start = (pair.key as Node | null)?.range?.[0];
      if (start === undefined || start > at) break;
      key = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
    }
  }
  const problem = YAML_PROBLEMS[error.code] ?? `YAML error ${error.code}`;
  // The YAML library's own message can quote the offending source text, i.e. a secret: never use it.
  return new UserError(
    `${file}:${pos.line}:${pos.col}: not valid YAML${key ? ` (in ${key})` : ''}: ${problem}`,
    'Fix it by hand: the installer never regenerates existing secrets. Deleting a key (its whole entry) makes it generate that one.',
  );
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return node.value === null ? 'null' : typeof node.value === 'string' ? 'a string' : `a ${typeof node.value}`;
  return 'something else';
}

function resolveAlias(doc: Document.Parsed, file: string, key: string, node: unknown): unknown {
  if (!isAlias(node)) return node;
  const target = node.resolve(doc);
  if (!target) throw new UserError(`${file}: ${key}: an alias without its anchor`);
  return target;
}

function readSshKey(doc: Document.Parsed, file: string, key: string, node: unknown): Entry {
  if (!isMap(node)) throw new UserError(`${file}: ${key}: expected a mapping with private_key and public_key, got ${describe(node)}`);
  const halves: Record<string, string | null> = {};
  for (const pair of node.items) {
    const field = isScalar(pair.key) ? pair.key.value : undefined;
    if (field !== 'private_key' && field !== 'public_key') {
      throw new UserError(`${file}: ${key}: unexpected field ${typeof field === 'string' ? field : '(not a name)'}; only private_key and public_key belong there`);
    }
    const value = resolveAlias(doc, file, `${key}.${field}`, pair.value);
    if (value == null || (isScalar(value) && value.value === null)) halves[field] = null;
    else if (isScalar(value) && typeof value.value === 'string' && value.value.trim() !== '') halves[field] = value.value;
    else throw new UserError(`${file}: ${key}.${field}: expected a non-empty string or null, got ${describe(value)}`);
  }
  const priv = halves.private_key ?? null;
  const pub = halves.public_key ?? null;
  if (priv === null && pub === null) return { type: 'null' }; // genpwd generates a new pair
  if (priv === null || pub === null) {
    throw new UserError(
      `${file}: ${key}: has ${priv === null ? 'public_key' : 'private_key'} but no ${priv === null ? 'private_key' : 'public_key'}`,
      'Restore the missing half, or set both halves to null to have a new key pair generated.',
    );
  }
  if (!/^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----\r?\n/.test(priv)) throw new UserError(`${file}: ${key}.private_key: not a PEM private key`);
  if (!/^(ssh|ecdsa)-[A-Za-z0-9@.-]+ [A-Za-z0-9+/]+={0,3}( .*)?$/.test(pub.trim())) throw new UserError(`${file}: ${key}.public_key: not an OpenSSH public key`);
  return { type: 'ssh', private_key: priv, public_key: pub };
}

/** The entries of an existing passwords.yml, in file order. Throws UserError when it cannot be read with certainty. */
function readExisting(text: string, file: string): Map<string, Entry> {
  const lines = new LineCounter();
  // YAML 1.1 like PyYAML/ansible (yes/no are booleans, 0777 octal); big integers stay exact
  const doc = parseDocument(text, { version: '1.1', intAsBigInt: true, uniqueKeys: true, prettyErrors: false, lineCounter: lines });
  if (/^\$ANSIBLE_VAULT;/.test(text)) {
    throw new UserError(`${file}: is encrypted with ansible-vault`, 'Decrypt it (ansible-vault decrypt) before re-rendering, and encrypt it again afterwards.');
  }
  // warnings too: an unknown tag (e.g. !vault) would otherwise be read as a plain string and rewritten without it
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) throw yamlError(doc, lines, file, first);
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new UserError(`${file}: is empty`, 'An existing passwords.yml must not be empty: restore it from a backup, or delete it to generate all secrets anew (only before the first deploy).');
  }
  if (!isMap(root)) throw new UserError(`${file}: expected a mapping of key: value, got ${describe(root)}`);

  const entries = new Map<string, Entry>();
  const kinds: Record<string, PasswordKind | undefined> = KOLLA_PASSWORD_KEYS;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key !== 'string' || key === '') {
      const where = pair.key && (pair.key as Node).range ? lines.linePos((pair.key as Node).range![0]) : undefined;
      throw new UserError(`${file}${where ? `:${where.line}:${where.col}` : ''}: a top-level key is not a name`);
    }
    const kind = kinds[key];
    const value = resolveAlias(doc, file, key, pair.value);
    if (value == null || (isScalar(value) && value.value === null)) {
      entries.set(key, { type: 'null' });
    } else if (kind === 'ssh') {
      entries.set(key, readSshKey(doc, file, key, value));
    } else if (isScalar(value) && typeof value.value === 'string') {
      if (value.value === '' && kind !== undefined && kind !== 'blank') {
        throw new UserError(`${file}: ${key}: is an empty string`, 'Write null (or delete the line) to have it generated, or set the value it should have.');
      }
      entries.set(key, { type: 'string', value: value.value });
    } else if (isScalar(value)) {
      // a number, boolean or date: kept exactly as written (genpwd keeps every non-null value)
      const node = value.clone() as Scalar;
      delete node.anchor;
      entries.set(key, { type: 'node', node, js: node.toJS(doc) });
    } else if (kind === undefined) {
      // a key this release does not know, holding a list or mapping: kept like mergepwd keeps it
      const js: unknown = (value as Node).toJS(doc, { maxAliasCount: 100 });
      entries.set(key, { type: 'node', node: doc.createNode(js) as Node, js });
    } else {
      throw new UserError(`${file}: ${key}: expected a single value, got ${describe(value)}`);
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------------------
// rendering

export interface RenderPasswordsOptions {
  /** The text of an earlier passwords.yml, or null for a first render. */
  existing: string | null;
  /** keystone_admin_password when given (it replaces an existing one); generated when null and not in `existing`. */
  adminPassword: string | null;
  /** The product's: node:crypto bytes and keys made in child processes (randomWithKeys); tests may seed one. */
  random: RandomSource;
  /** How `existing` is named in error messages. Default "kolla/passwords.yml". */
  existingName?: string;
}

export interface RenderedPasswords {
  file: RenderedFile;
  /** What yaml.safe_load of the file gives (bigint for integers too large for a number). */
  values: Record<string, unknown>;
}

export async function renderPasswords(options: RenderPasswordsOptions): Promise<RenderedPasswords> {
  const { random } = options;
  const file = options.existingName ?? PASSWORDS_PATH;
  const kinds: Record<string, PasswordKind | undefined> = KOLLA_PASSWORD_KEYS;

  // mergepwd: start from the release's keys (all null), then take every key of the old file
  const entries = new Map<string, Entry>([...Object.keys(KOLLA_PASSWORD_KEYS), CIAB_OSISM_SEED_KEY].map((k) => [k, { type: 'null' }]));
  const old = options.existing === null ? new Map<string, Entry>() : readExisting(options.existing, file);
  const redis = old.get('redis_master_password');
  if (!old.has('valkey_master_password') && redis && isTruthy(redis)) entries.set('valkey_master_password', redis);
  for (const [key, entry] of old) entries.set(key, entry);

  if (options.adminPassword !== null) {
    if (options.adminPassword === '') throw new UserError('the admin password is empty');
    entries.set('keystone_admin_password', { type: 'string', value: options.adminPassword });
  }

  // genpwd: fill every null key (a key the release does not know is filled with a password, as genpwd does)
  const pairs: Array<Promise<void>> = [];
  for (const [key, entry] of entries) {
    if (entry.type !== 'null') continue;
    const kind = kinds[key] ?? 'password';
    if (kind === 'blank') continue;
    if (kind === 'ssh') {
      // started together: node:crypto generates them in parallel on the libuv thread pool
      pairs.push(random.sshKeyPair().then((pair) => void entries.set(key, { type: 'ssh', ...pair })));
    } else {
      entries.set(key, { type: 'string', value: generateValue(kind, random) });
    }
  }
  await Promise.all(pairs);

  const doc = new Document(null, { version: '1.1' });
  const map = new YAMLMap();
  for (const key of [...entries.keys()].sort(byCodePoint)) {
    const entry = entries.get(key)!;
    let value: unknown;
    switch (entry.type) {
      case 'null':
        value = doc.createNode(null);
        break;
      case 'string':
        value = doc.createNode(entry.value);
        break;
      case 'ssh': {
        const ssh = new YAMLMap();
        ssh.add(doc.createPair('private_key', entry.private_key));
        ssh.add(doc.createPair('public_key', entry.public_key));
        value = ssh;
        break;
      }
      case 'node':
        value = entry.node;
        break;
    }
    map.add(doc.createPair(key, value));
  }
  doc.contents = map;
  const content = doc.toString({
    lineWidth: 0, // never fold a long value
    indentSeq: false, // PyYAML: "key:\n- item"
    blockQuote: 'literal', // PEM as "|" block
    singleQuote: true, // PyYAML quotes with '...'
    nullStr: 'null',
    trueStr: 'true',
    falseStr: 'false',
  });
  const values = doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>;
  return { file: { path: PASSWORDS_PATH, mode: PASSWORDS_MODE, content, secret: true }, values };
}

/** Python's sorted() on str: by code point (JS < compares UTF-16 units, which differs only beyond the BMP). */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Python truthiness of an entry's value (mergepwd's `if old_redis_pass:`). */
function isTruthy(entry: Entry): boolean {
  if (entry.type === 'null') return false;
  if (entry.type === 'string') return entry.value !== '';
  if (entry.type === 'ssh') return true;
  const v = entry.js;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.keys(v).length > 0;
  return v !== null && v !== undefined;
}
