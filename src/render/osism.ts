// An OSISM configuration repository for the same plan: the hand-over for a user who outgrows one box and wants
// OSISM (https://osism.tech) to run the cloud on several nodes. Laid out like OSISM's own single-node repository
// (osism/cloud-in-a-box): environments/ with one directory per environment, inventory/ as a directory of INI
// files plus host_vars/. Everything is built as YAML data with comments; nothing is copied from OSISM.
//
// Facts this relies on (read from osism/cloud-in-a-box @1503b7c, osism/defaults @212d64d, osism/generics
// @6e725cc, osism/release @a4a0226):
//   * OSISM's defaults (osism/defaults all/099-*.yml) differ from kolla-ansible's where it matters for this box:
//     heat off; central logging, Prometheus, Grafana, cinder, designate, octavia, valkey on; external TLS on;
//     RabbitMQ stream fanout off unless set to true in environments/kolla/configuration.yml (its own note says
//     to do so for >= 2025.1); kolla images from registry.osism.tech/kolla; overlays in files/overlays.
//     So every switch that would change what runs here is written explicitly below.
//   * manager_version is read from environments/manager/configuration.yml (osism/generics README,
//     src/set-versions.py); numbered OSISM releases pin only base.yml, the OpenStack release files live in
//     osism/release latest/ and 2026.1's was added (2026-08-17) after the last numbered release 10.2.0 (2026-08-13).
//   * The inventory is a directory of extension-less INI files (10-custom, 20-roles, 99-overwrite); the service
//     groups (50-kolla, 51-kolla, 60-generic, …) come from osism/generics inside OSISM's containers and hang off
//     the role groups generic, manager, monitoring, control, compute, network, ceph-control, ceph-resource.
//     Extension-less names also matter to plain ansible: it ignores *.ini files inside an inventory directory.
//   * OSISM's docs recommend network interfaces in the inventory (host_vars), not in the environment files.
//   * What a manager bootstrap and `osism apply` read (DEPLOY-AUDIT O1, O2): gilt.yml in the root (generics README);
//     the manager's run.sh plays with `-i hosts` and -e @ each of {../,}{images,configuration,secrets}.yml and
//     --vault-password-file .vault_pass; its configuration_git_version must name the checked-out branch;
//     osism-ansible's runners need environments/generic and pass environments/.vault_pass and each environment's
//     images.yml. run.sh, the manager's images.yml and ansible.cfg are OSISM's own: gilt overlay brings them.
import { createHash, createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { Document, type Pair, type Scalar, YAMLMap } from 'yaml';
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan, KollaValue } from '../model/plan.js';
import { CIAB_OSISM_SEED_KEY } from './passwords.js';
import { DEFAULT_CONFIG_DIR } from './clouds.js';

export const OSISM_DIR = 'osism';

export interface OsismSecrets {
  /** kolla's passwords.yml, key by key (values may be maps, e.g. the ssh key pairs). */
  passwords: Record<string, unknown>;
  /** The keystone admin password the cloud runs with. */
  adminPassword: string;
}

/** OSISM's registry and namespace for kolla images (osism/defaults all/099-kolla.yml). */
export const OSISM_KOLLA_REGISTRY = 'registry.osism.tech';
export const OSISM_KOLLA_NAMESPACE = 'kolla';

/**
 * OpenStack release → the newest numbered OSISM release known to carry it (osism/release @a4a0226: 10.2.0 is the
 * newest numbered release; latest/openstack-2024.1 … 2025.2.yml existed before it). A release not listed gets
 * `latest`, with a comment saying so.
 */
const OSISM_MANAGER_FOR: Readonly<Record<string, string>> = {
  '2024.1': '10.2.0',
  '2024.2': '10.2.0',
  '2025.1': '10.2.0',
  '2025.2': '10.2.0',
};

/**
 * The osism/generics tag gilt overlays the manager's generic files from: what osism/release @a4a0226 pins in both
 * 10.2.0/base.yml and latest/openstack-2026.1.yml (generics_version). OSISM's set-versions step rewrites it to the
 * manager_version's own pin during `gilt overlay`.
 */
export const OSISM_GENERICS_VERSION = 'v0.20260808.0';

/** Where OSISM's manager checks the configuration repository out (osism/cloud-in-a-box, osism/testbed). */
export const OSISM_CONFIGURATION_DIRECTORY = '/opt/configuration';
/** The branch the tree is meant to be committed on: the manager's run.sh refuses any other checkout. */
export const OSISM_CONFIGURATION_BRANCH = 'main';

/** Environments OSISM's runners require even when they hold nothing (osism-ansible run-generic.sh; custom plays). */
export const OSISM_EMPTY_ENVIRONMENTS = ['generic', 'custom'] as const;

/** The role groups OSISM's inventory uses; the service groups of osism/generics hang off these. */
export const OSISM_ROLE_GROUPS = ['generic', 'manager', 'monitoring', 'control', 'compute', 'network'] as const;
/** Ceph role groups: left empty here, the box's Ceph is cephadm's, not OSISM's ceph-ansible. */
export const OSISM_CEPH_GROUPS = ['ceph-control', 'ceph-resource'] as const;

/**
 * Can OSISM take this cloud over today? Only when a numbered OSISM release carries the OpenStack release. Checked
 * against osism/release @a4a0226 (2026-08-21): the newest numbered release is 10.2.0 (2026-08-14); 2026.1 exists only
 * as latest/openstack-2026.1.yml (development pins, added 2026-08-17), and OSISM's kolla-ansible image and generics
 * inventory as stored have no 2026.1 run script or 2026.1 groups (kolla_toolbox, cinder-volume-lvm …).
 */
export function osismTakeOver(openstack: string): { supported: boolean; summary: string } {
  const { established, version } = osismManagerVersion(openstack);
  if (established) return { supported: true, summary: `OSISM ${version} carries OpenStack ${openstack}: a starting point for a take-over (see osism/README.md)` };
  return {
    supported: false,
    summary: `OSISM has no release for OpenStack ${openstack} yet (newest numbered release 10.2.0): osism/ is a reference of this cloud in OSISM's layout, not a take-over`,
  };
}

export function osismManagerVersion(openstack: string): { version: string; established: boolean } {
  const v = OSISM_MANAGER_FOR[openstack];
  return v ? { version: v, established: true } : { version: 'latest', established: false };
}

// ---------------------------------------------------------------------------------------------------------
// YAML as data, with comments

interface Entry {
  key: string;
  value: unknown;
  /** Comment lines above the key. */
  comment?: string | string[];
}

interface Section {
  /** Heading, written as a banner comment above the first key. */
  title: string;
  /** Extra lines under the banner. */
  notes?: string[];
  entries: Entry[];
}

const BANNER = '#'.repeat(58);

function lines(c: string | string[] | undefined): string[] {
  if (c === undefined) return [];
  return (Array.isArray(c) ? c : [c]).flatMap((l) => l.split('\n'));
}

/** A YAML file: header comment, then sections. A section with no entries leaves its banner and notes as a comment. */
function yamlFile(header: string[], sections: Section[]): string {
  const doc = new Document(new YAMLMap());
  const map = doc.contents as YAMLMap;
  // Banners of sections without entries wait for the next key (or the end of the file).
  let pending: string[] = [];
  for (const section of sections) {
    const banner = [BANNER, ` ${section.title}`, ...(section.notes ?? []).map((n) => ` ${n}`)];
    if (section.entries.length === 0) {
      pending.push(...(pending.length ? [''] : []), ...banner);
      continue;
    }
    section.entries.forEach((entry, i) => {
      const pair = doc.createPair(entry.key, entry.value) as Pair<Scalar, unknown>;
      const head = i === 0 ? [...pending, ...(pending.length ? [''] : []), ...banner, ''] : [];
      const comment = [...head, ...lines(entry.comment).map((l) => ` ${l}`)];
      if (comment.length) pair.key.commentBefore = comment.join('\n');
      if (i === 0) {
        pending = [];
        if (map.items.length > 0) pair.key.spaceBefore = true;
      }
      map.items.push(pair);
    });
  }
  doc.commentBefore = header.map((h) => ` ${h}`).join('\n');
  if (pending.length) doc.comment = pending.join('\n');
  // Ansible reads a file with no variables badly (OSISM's own empty files carry a dummy key); never emit one.
  if (map.items.length === 0) map.items.push(doc.createPair('ciab_osism_export', true) as Pair<Scalar, unknown>);
  return `---\n${doc.toString({ lineWidth: 0 })}`;
}

function file(path: string, content: string, secret = false): RenderedFile {
  return { path: `${OSISM_DIR}/${path}`, mode: secret ? 0o600 : 0o644, content, secret };
}

// ---------------------------------------------------------------------------------------------------------
// per-install secrets OSISM needs beyond kolla's: derived from the random seed in passwords.yml, so a re-render gives
// the same values and no two installs share them.

// From the seed alone: a hash of all passwords would rotate the operator key whenever the admin password
// changes, and lock OSISM out of the nodes that trust the old key.
function deriver(secrets: OsismSecrets): (label: string) => Buffer {
  const seed = secrets.passwords[CIAB_OSISM_SEED_KEY];
  if (typeof seed !== 'string' || seed === '') throw new Error(`passwords.yml has no ${CIAB_OSISM_SEED_KEY}: the passwords must be rendered before the OSISM repository`);
  const root = createHash('sha256').update(`ciab-osism-seed:${seed}`).digest();
  return (label) => createHmac('sha256', root).update(`ciab-osism:${label}`).digest();
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function derivedPassword(derive: (label: string) => Buffer, label: string, length = 32): string {
  const bytes = Buffer.concat([derive(`${label}:0`), derive(`${label}:1`)]);
  // 64 bytes for 32 chars from 62 symbols: the modulo bias is below what matters for a password.
  return Array.from(bytes.subarray(0, length), (b) => ALNUM[b % ALNUM.length]).join('');
}

function sshString(b: Buffer | string): Buffer {
  const data = typeof b === 'string' ? Buffer.from(b) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  return Buffer.concat([len, data]);
}

/** An ed25519 key pair from a 32-byte seed: OpenSSH private key (openssh-key-v1, unencrypted) and public line. */
export function ed25519KeyPair(seed: Buffer, checkint: number, comment: string): { privateKey: string; publicKey: string } {
  if (seed.length !== 32) throw new Error('an ed25519 seed is 32 bytes');
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const priv = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(priv).export({ format: 'jwk' });
  const pub = Buffer.from(String(jwk.x), 'base64url');
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = Buffer.alloc(8);
  check.writeUInt32BE(checkint >>> 0, 0);
  check.writeUInt32BE(checkint >>> 0, 4);
  let section = Buffer.concat([check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const pad: number[] = [];
  for (let i = 1; (section.length + pad.length) % 8 !== 0; i++) pad.push(i);
  section = Buffer.concat([section, Buffer.from(pad)]);
  const none = sshString('none');
  const one = Buffer.alloc(4);
  one.writeUInt32BE(1);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), none, none, sshString(''), one, sshString(pubBlob), sshString(section)]);
  const b64 = body.toString('base64').match(/.{1,70}/g)!.join('\n');
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${pubBlob.toString('base64')} ${comment}`,
  };
}

interface Derived {
  operator: { privateKey: string; publicKey: string };
  araPassword: string;
  araMariadbPassword: string;
  vaultPassword: string;
}

function deriveSecrets(plan: DeploymentPlan, secrets: OsismSecrets): Derived {
  const derive = deriver(secrets);
  return {
    operator: ed25519KeyPair(derive('operator-ssh-key'), derive('operator-ssh-checkint').readUInt32BE(0), `operator@${plan.host.hostname}`),
    araPassword: derivedPassword(derive, 'ara_password'),
    araMariadbPassword: derivedPassword(derive, 'ara_server_mariadb_password'),
    vaultPassword: derivedPassword(derive, 'vault_pass', 48),
  };
}

// ---------------------------------------------------------------------------------------------------------
// the files

function splitList(s: string | null | undefined): string[] {
  return (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

function globalConfiguration(plan: DeploymentPlan, derived: Derived): string {
  const { host, proxy } = plan;
  const proxyEntries: Entry[] = [];
  if (proxy.http || proxy.https) {
    const http = proxy.http ?? proxy.https!;
    const https = proxy.https ?? proxy.http!;
    const noProxy = splitList(proxy.no_proxy);
    proxyEntries.push(
      { key: 'docker_configure_proxy', value: true, comment: 'Docker pulls images through the same proxy the installer used' },
      { key: 'docker_proxy_http', value: http },
      { key: 'docker_proxy_https', value: https },
      ...(noProxy.length ? [{ key: 'docker_proxy_no_proxy_extra', value: noProxy }] : []),
      { key: 'proxy_proxies', value: { http, https }, comment: 'APT and other host tools' },
      ...(noProxy.length ? [{ key: 'proxy_no_proxy_extra', value: noProxy }] : []),
    );
  }
  // kolla's bootstrap gave Docker "iptables": false and "ip-forward": false, which the box's NAT for floating IPs
  // relies on; OSISM's docker role writes neither, so Docker would install its FORWARD DROP policy and cut the NAT.
  const dockerEntries: Entry[] = [
    { key: 'docker_opts', value: { iptables: false, 'ip-forward': false }, comment: 'as kolla set Docker up here: Docker leaves iptables and forwarding alone (the NAT for floating IPs needs that)' },
    { key: 'docker_disable_default_network', value: true, comment: 'no docker0 bridge, as kolla set it up ("bridge": "none")' },
  ];
  return yamlFile(
    [
      `OSISM global configuration for the cloud Cloud-in-a-Box installed on ${host.hostname}`,
      `(${plan.profile.title} profile, OpenStack ${plan.release.openstack}). Read by every OSISM environment.`,
      'Versions (manager_version, openstack_version) live in environments/manager/configuration.yml,',
      'where OSISM\'s tooling reads them.',
    ],
    [
      {
        title: 'operator',
        notes: ['the user OSISM connects as; its private key is in environments/secrets.yml'],
        entries: [{ key: 'operator_authorized_keys', value: [derived.operator.publicKey] }],
      },
      {
        title: 'docker',
        notes: ['kolla-ansible\'s Docker settings on this box, carried over to OSISM\'s docker role'],
        entries: dockerEntries,
      },
      {
        title: 'resolvconf',
        entries: [
          { key: 'resolvconf_nameserver', value: [...host.dns], comment: 'the DNS servers this box uses now' },
          { key: 'resolvconf_search', value: host.domain },
        ],
      },
      {
        title: 'time',
        notes: [
          'NTP: Cloud-in-a-Box kept the host\'s own time service (or installed chrony with its default',
          'servers) and recorded no NTP servers. Set chrony_servers here for OSISM\'s chrony role.',
        ],
        entries: [{ key: 'timezone_name', value: host.timezone, comment: 'the time zone this box runs in' }],
      },
      {
        title: 'proxy',
        notes: proxyEntries.length ? [] : ['none: the installer reached the internet directly'],
        entries: proxyEntries,
      },
      {
        title: 'kolla',
        entries: [{ key: 'kolla_internal_vip_address', value: plan.network.vip, comment: 'where the OpenStack APIs answer; also used outside kolla (e.g. /etc/hosts)' }],
      },
    ],
  );
}

function globalSecrets(plan: DeploymentPlan, secrets: OsismSecrets, derived: Derived): string {
  return yamlFile(
    [
      `OSISM global secrets for ${plan.host.hostname}, generated for this install. Encrypt before committing:`,
      'ansible-vault encrypt environments/secrets.yml (OSISM runs ask for the vault password).',
    ],
    [
      {
        title: 'private ssh keys',
        entries: [{ key: 'operator_private_key', value: derived.operator.privateKey, comment: 'the operator user\'s key (ed25519); its public half is operator_authorized_keys' }],
      },
      {
        title: 'passwords',
        entries: [
          { key: 'keystone_admin_password', value: secrets.adminPassword, comment: 'the cloud\'s admin password, as deployed' },
          { key: 'ara_password', value: derived.araPassword, comment: 'ARA (the manager\'s record of ansible runs)' },
          { key: 'ara_server_mariadb_password', value: derived.araMariadbPassword },
        ],
      },
    ],
  );
}

function managerConfiguration(plan: DeploymentPlan): string {
  const osism = osismManagerVersion(plan.release.openstack);
  return yamlFile(
    ['OSISM manager environment: the versions OSISM deploys. OSISM\'s generic manager files (run.sh,', 'images.yml, requirements) come from osism/generics; see ../../README.md.'],
    [
      {
        title: 'versions',
        entries: [
          {
            key: 'manager_version',
            value: osism.version,
            comment: osism.established
              ? [`OSISM ${osism.version}: the newest numbered OSISM release, whose supported OpenStack releases include ${plan.release.openstack}`]
              : [
                  `No numbered OSISM release was established to carry OpenStack ${plan.release.openstack}: osism/release added its`,
                  `${plan.release.openstack} release file to latest/ only after its newest numbered release (10.2.0).`,
                  '"latest" follows osism/release latest/; pin a numbered release here once one supports it.',
                ],
          },
          { key: 'openstack_version', value: plan.release.openstack, comment: `the OpenStack release this box runs (kolla-ansible ${plan.release.kollaAnsible})` },
        ],
      },
      {
        title: 'listener',
        notes: [
          'the manager listens to the cloud\'s RabbitMQ for notifications; the manager\'s inventory is its own',
          '(environments/manager/hosts), so the brokers are listed by address, not by group',
        ],
        entries: [
          { key: 'manager_listener_broker_hosts', value: [plan.host.managementIp], comment: 'RabbitMQ runs on this node' },
          { key: 'manager_listener_broker_username', value: 'openstack', comment: 'kolla\'s RabbitMQ user (rabbitmq_user); its password is in secrets.yml' },
        ],
      },
      {
        title: 'configuration',
        notes: [
          'where the manager gets this repository from: set the git_* keys to the repository you push this tree to.',
          'The manager\'s run.sh refuses to run unless the checked-out branch is configuration_git_version.',
        ],
        entries: [
          { key: 'configuration_directory', value: OSISM_CONFIGURATION_DIRECTORY, comment: 'where the manager checks the repository out' },
          { key: 'configuration_type', value: 'git' },
          { key: 'configuration_git_version', value: OSISM_CONFIGURATION_BRANCH, comment: 'the branch to commit this tree on' },
          {
            key: 'configuration_git_host',
            value: 'git.invalid',
            comment: 'NOT SET: the git server that holds this tree (".invalid" never resolves, so a forgotten value fails loudly)',
          },
          { key: 'configuration_git_port', value: 22 },
          { key: 'configuration_git_protocol', value: 'ssh' },
          { key: 'configuration_git_username', value: 'git' },
          { key: 'configuration_git_repository', value: `osism/${plan.host.hostname}.git`, comment: 'its path on that server' },
        ],
      },
      {
        title: 'ceph',
        notes: ['no Ceph on this box'],
        entries: [],
      },
    ],
  );
}

function managerSecrets(plan: DeploymentPlan, secrets: OsismSecrets): string {
  const rabbit = secrets.passwords.rabbitmq_password;
  if (typeof rabbit !== 'string' || rabbit === '') throw new Error('passwords.yml has no rabbitmq_password: the passwords must be rendered before the OSISM repository');
  return yamlFile(
    [`OSISM manager secrets for ${plan.host.hostname}. Encrypt before committing: ansible-vault encrypt environments/manager/secrets.yml`],
    [
      {
        title: 'listener',
        entries: [{ key: 'manager_listener_broker_password', value: rabbit, comment: 'kolla\'s rabbitmq_password: the listener logs in as the openstack user' }],
      },
    ],
  );
}

/** The manager's own inventory: run.sh runs every manager play with `-i hosts` from environments/manager. */
function managerHosts(plan: DeploymentPlan): string {
  return [
    '# The OSISM manager node, written by Cloud-in-a-Box. The manager plays (environments/manager/run.sh) read',
    '# this file, not inventory/: its variables are in host_vars/ next to it.',
    '[manager]',
    plan.host.hostname,
    '',
  ].join('\n');
}

function managerHostVars(plan: DeploymentPlan): string {
  const { host } = plan;
  return yamlFile(
    [`The manager node ${host.hostname} as the manager's own plays see it.`],
    [
      {
        title: 'node',
        entries: [
          { key: 'ansible_host', value: host.managementIp, comment: 'where the manager bootstrap reaches this node' },
          { key: 'internal_address', value: host.managementIp },
          { key: 'internal_interface', value: host.managementInterface, comment: 'the manager\'s services listen here' },
        ],
      },
    ],
  );
}

/** An environment file with nothing of ours in it yet: OSISM's runners pass it with -e @FILE, so it must exist. */
function placeholderYaml(what: string): string {
  return yamlFile([what, 'Nothing of this cloud belongs here yet; OSISM requires the file (an empty one does not load).'], []);
}

function kollaImages(plan: DeploymentPlan): string {
  return yamlFile(
    [
      `kolla image versions for the cloud on ${plan.host.hostname}. OSISM passes this file to every kolla-ansible run (-e @images.yml).`,
    ],
    [
      {
        title: 'release',
        notes: [
          'osism/defaults mirrors an older kolla-ansible (openstack_release 2025.2 in all/001-kolla-defaults.yml):',
          `pin the release this box runs, so kolla's image tags (openstack_tag) name ${plan.release.openstack} images.`,
          'OSISM\'s per-service tags (kolla_<service>_version) come from its release once it ships this OpenStack release.',
        ],
        entries: [{ key: 'openstack_release', value: plan.release.openstack, comment: `what kolla-ansible ${plan.release.kollaAnsible} deployed here` }],
      },
    ],
  );
}

/** gilt pulls OSISM's generic manager files (run.sh, images.yml, ansible.cfg, requirements) into the tree. */
function giltFile(): string {
  const doc = new Document([
    {
      git: 'https://github.com/osism/generics.git',
      version: OSISM_GENERICS_VERSION,
      files: [
        { src: 'gilt.yml', dst: './gilt.yml' },
        { src: 'requirements.txt', dst: './requirements.txt' },
        { src: 'Makefile', dst: './Makefile' },
        { src: 'environments/manager/run.sh', dst: 'environments/manager/run.sh' },
        { src: 'environments/manager/images.yml', dst: 'environments/manager/images.yml' },
        { src: 'environments/manager/ansible.cfg', dst: 'environments/manager/ansible.cfg' },
        { src: 'environments/manager/requirements.*', dst: 'environments/manager/' },
        { src: 'src/render-images.py', dst: 'environments/manager/', post_commands: ['python3 render-images.py', 'rm render-images.py'] },
        { src: 'src/set-versions.py', dst: 'environments/', post_commands: ['python3 set-versions.py', 'rm set-versions.py'] },
      ],
    },
  ]);
  doc.commentBefore = [
    ' gilt overlay: OSISM\'s generic files for the manager, pinned to the osism/generics tag of the OSISM release',
    ' this tree was written for. Run `MANAGER_VERSION=<manager_version> gilt overlay` in the repository root;',
    ' its set-versions step moves `version` to that release\'s own pin. The files it brings overwrite the',
    ' placeholders Cloud-in-a-Box wrote (environments/manager/images.yml).',
  ].join('\n');
  return `---\n${doc.toString({ lineWidth: 0 })}`;
}

/** Values the plan leaves to kolla's defaults but OSISM's defaults would change: set back to what runs here. */
function osismCorrections(plan: DeploymentPlan): Entry[] {
  const has = (s: string) => (plan.services as readonly string[]).includes(s);
  const out: Entry[] = [];
  const add = (key: string, value: KollaValue, why: string) => {
    if (!(key in plan.kolla)) out.push({ key, value, comment: why });
  };
  add('enable_heat', has('heat'), has('heat') ? 'heat runs here; OSISM turns it off by default' : 'heat is not part of this profile');
  add('enable_cinder', has('cinder'), has('cinder') ? 'cinder runs here' : 'no cinder on this box; OSISM turns it on by default');
  add('enable_designate', has('designate'), has('designate') ? 'designate runs here' : 'no designate on this box; OSISM turns it on by default');
  add('enable_octavia', has('octavia'), has('octavia') ? 'octavia runs here' : 'no octavia on this box; OSISM turns it on by default');
  if (has('octavia')) add('octavia_loadbalancer_topology', 'SINGLE', 'what runs here; OSISM defaults to ACTIVE_STANDBY, worth it once there are two network nodes');
  add('enable_central_logging', has('opensearch'), has('opensearch') ? 'central logging runs here' : 'no central logging on this box; OSISM turns it on by default');
  const prometheus = has('prometheus') || has('prometheus-exporters');
  add('enable_prometheus', prometheus, prometheus ? 'Prometheus runs here' : 'no Prometheus on this box; OSISM turns it on by default');
  add('enable_grafana', has('grafana'), has('grafana') ? 'Grafana runs here' : 'no Grafana on this box; OSISM turns it on by default');
  add('enable_valkey', false, [
    'no valkey runs here; OSISM turns it on by default as the coordination backend of',
    'cinder, designate and others: enable it when a second control node joins',
  ].join('\n'));
  add('kolla_enable_tls_external', plan.network.tls, plan.network.tls ? 'HTTPS for users, as deployed' : 'plain HTTP, as deployed; OSISM turns external TLS on by default');
  // OSISM's defaults (osism/defaults all/099-kolla.yml @212d64d) that kolla-ansible 2026.1 leaves off or ties to
  // Prometheus: each would add or drop a container or an API extension here (DEPLOY-AUDIT W11).
  add('enable_mariabackup', false, 'no MariaDB backup container here; OSISM turns mariabackup on by default');
  add('enable_neutron_port_forwarding', false, 'no floating IP port forwarding here; OSISM turns it on by default');
  add('enable_neutron_qos', false, 'no neutron QoS extension here; OSISM turns it on by default');
  add('horizon_backend_database', false, 'Horizon keeps its sessions in memcached here; OSISM moves them to the database by default');
  add('enable_prometheus_openstack_exporter', prometheus, prometheus
    ? 'the OpenStack exporter runs here with Prometheus (kolla\'s default); OSISM turns it off by default'
    : 'no Prometheus on this box, so no OpenStack exporter');
  add('om_enable_rabbitmq_stream_fanout', true, [
    'what kolla-ansible deployed here; OSISM\'s default turns it off and says to set it to true',
    'in this file for OpenStack 2025.1 and later',
  ].join('\n'));
  return out;
}

function kollaConfiguration(plan: DeploymentPlan): string {
  const hostVars = `inventory/host_vars/${plan.host.hostname}.yml`;
  // OSISM passes this file as extra vars (-e @configuration.yml), which beat host_vars: per-host keys live only in
  // the host's host_vars file, or a second node would get this node's NICs.
  const perHost = new Set(['network_interface', 'neutron_external_interface']);
  const ours: Entry[] = Object.entries(plan.kolla).filter(([key]) => !perHost.has(key)).map(([key, v]) => ({
    key,
    value: v.value,
    comment: [
      v.why,
      ...(key === 'kolla_base_distro' && v.value !== 'ubuntu'
        ? [`OSISM's default is ubuntu and its own images are what it tests: check ${OSISM_KOLLA_REGISTRY}/${OSISM_KOLLA_NAMESPACE} has ${String(v.value)} images for ${plan.release.openstack}, or switch to ubuntu`]
        : []),
      ...(key === 'docker_registry'
        ? [`OSISM pulls kolla images via docker_registry_kolla (below), not this key: a mirror of quay.io does not serve OSISM's images`]
        : []),
    ],
  }));
  return yamlFile(
    [
      `kolla-ansible settings under OSISM for the cloud on ${plan.host.hostname} (${plan.profile.title}, OpenStack ${plan.release.openstack}).`,
      'OSISM layers this file over its own defaults (osism/defaults) the way globals.yml layers over kolla\'s.',
    ],
    [
      {
        title: 'this box, as Cloud-in-a-Box deployed it (the same keys and values as its globals.yml)',
        entries: ours,
      },
      {
        title: 'images: OSISM\'s own',
        notes: [
          'OSISM\'s defaults, written out: kolla images from OSISM\'s registry with tags from the OSISM release.',
          'The first OSISM deploy replaces the containers Cloud-in-a-Box pulled from quay.io.',
        ],
        entries: [
          { key: 'docker_registry_kolla', value: OSISM_KOLLA_REGISTRY },
          { key: 'docker_namespace', value: OSISM_KOLLA_NAMESPACE },
        ],
      },
      {
        title: 'OSISM defaults that would change this box, set to what runs here',
        entries: osismCorrections(plan),
      },
    ],
  );
}

function kollaSecrets(plan: DeploymentPlan, secrets: OsismSecrets): string {
  // The seed is ciab's, not kolla's: OSISM gets what was derived from it, never the seed itself.
  const entries: Entry[] = Object.entries(secrets.passwords).filter(([key]) => key !== CIAB_OSISM_SEED_KEY).map(([key, value]) =>
    key === 'keystone_admin_password'
      ? { key, value: secrets.adminPassword, comment: 'the admin password the cloud runs with' }
      : { key, value: value ?? null },
  );
  if (!('keystone_admin_password' in secrets.passwords)) entries.push({ key: 'keystone_admin_password', value: secrets.adminPassword, comment: 'the admin password the cloud runs with' });
  return yamlFile(
    [`kolla-ansible's passwords for the cloud on ${plan.host.hostname}: the ones it runs with now (kolla's passwords.yml).`, 'Encrypt before committing: ansible-vault encrypt environments/kolla/secrets.yml'],
    [{ title: 'passwords', entries }],
  );
}

function rolesInventory(plan: DeploymentPlan): string {
  const h = plan.host.hostname;
  const what: Record<(typeof OSISM_ROLE_GROUPS)[number], string> = {
    generic: 'Every node, listed explicitly: OSISM does not use the "all" group.',
    manager: 'The manager (deployment) node: runs the OSISM manager services.',
    monitoring: 'Monitoring services (Prometheus, Grafana, … where enabled).',
    control: 'Controllers: APIs, schedulers, database, message queue; kolla\'s storage and loadbalancer groups follow it.',
    compute: 'Hypervisors: nova-compute and its neighbours.',
    network: 'Neutron/OVN gateways, Octavia and Designate workers (not the host network setup).',
  };
  const out = [
    '# OSISM role groups, written by Cloud-in-a-Box. One host holds every role; add a node by listing it',
    '# under the roles it takes (and giving it a host_vars file). The service groups (nova-compute, ovn-controller,',
    '# …) come from osism/generics inside OSISM\'s containers and hang off these groups.',
    '',
  ];
  for (const g of OSISM_ROLE_GROUPS) out.push(`# ${what[g]}`, `[${g}]`, h, '');
  out.push('# Ceph: none on this box.');
  for (const g of OSISM_CEPH_GROUPS) out.push(`[${g}]`);
  return `${out.join('\n')}\n`;
}

function hostVars(plan: DeploymentPlan): string {
  const { host, network } = plan;
  const entries: Entry[] = [
    { key: 'ansible_host', value: host.managementIp, comment: 'where OSISM reaches this node' },
    { key: 'internal_address', value: host.managementIp, comment: `this node's address in ${host.managementCidr}` },
    { key: 'internal_interface', value: host.managementInterface, comment: 'OSISM derives management_interface and console_interface from it' },
  ];
  const kollaIfaces: Entry[] = [
    { key: 'network_interface', value: plan.kolla.network_interface?.value ?? host.managementInterface, comment: plan.kolla.network_interface?.why ?? 'the management interface' },
    { key: 'neutron_external_interface', value: plan.kolla.neutron_external_interface?.value ?? network.externalInterface, comment: plan.kolla.neutron_external_interface?.why ?? 'where floating IPs leave' },
  ];
  const bridge = network.localBridge;
  return yamlFile(
    [`Node ${host.hostname}: addresses and interfaces.`],
    [
      { title: 'node', entries },
      {
        title: 'kolla interfaces',
        notes: bridge
          ? [
              `${bridge.vethKolla} is one end of a veth pair into bridge ${bridge.bridge} (${bridge.gatewayCidr}), NAT'd out of ${bridge.natOut}.`,
              'Cloud-in-a-Box wrote them into the host\'s network configuration; OSISM\'s network role does not know them.',
            ]
          : [],
        entries: kollaIfaces,
      },
    ],
  );
}

function readme(plan: DeploymentPlan, outDir: string): string {
  const kollaDir = `${outDir.replace(/\/+$/, '')}/kolla`;
  const h = plan.host.hostname;
  const osism = osismManagerVersion(plan.release.openstack);
  const status = osismTakeOver(plan.release.openstack);
  return `# OSISM configuration for ${h}

This directory describes the cloud that Cloud-in-a-Box installed on \`${h}\` (${plan.profile.title} profile,
OpenStack ${plan.release.openstack}) in the layout of an [OSISM](https://osism.tech) configuration repository: the
same VIP, interfaces, services and passwords. Cloud-in-a-Box itself stays a one-machine tool.

## Status: ${status.supported ? 'a starting point for a take-over' : 'a reference, not a take-over'}

${status.supported ? `OSISM ${osism.version} carries OpenStack ${plan.release.openstack}. Set the \`configuration_git_*\` keys and run
\`gilt overlay\` before the manager bootstraps from this tree: see "Before the first OSISM run".` : `**OSISM cannot take this cloud over yet.** OSISM has no numbered release for OpenStack ${plan.release.openstack}: the
newest, 10.2.0 (2026-08-14), predates it; ${plan.release.openstack} exists only as development pins in osism/release
(\`latest/openstack-${plan.release.openstack}.yml\`), and OSISM's kolla-ansible image and inventory do not know ${plan.release.openstack}'s
new groups (\`kolla_toolbox\`, \`cinder-volume-lvm\` …), so kolla-toolbox and LVM cinder-volume would not be deployed.

What this tree is good for today: a reviewed record of this cloud's settings in OSISM's files and keys, to start an
OSISM configuration repository from when OSISM ships ${plan.release.openstack}. Do not point an OSISM manager at it before then.`}

The tree has the files OSISM's manager bootstrap and \`osism apply\` read (\`gilt.yml\`, the manager's inventory and
secrets, the images files, the generic and custom environments, a vault password file); OSISM's own generic
manager files (\`run.sh\`, its \`images.yml\`, \`ansible.cfg\`) come in with \`gilt overlay\`, below.

## What is here

| Path | What |
| --- | --- |
| \`gilt.yml\` | where \`gilt overlay\` gets OSISM's generic manager files: osism/generics ${OSISM_GENERICS_VERSION} |
| \`environments/.vault_pass\` | the vault password OSISM's runs pass with \`--vault-password-file\` (mode 0600) |
| \`environments/configuration.yml\` | settings for all environments: operator key, Docker as kolla set it up, DNS, time zone, proxy, VIP |
| \`environments/secrets.yml\` | per-install secrets: operator SSH key, admin and ARA passwords (mode 0600) |
| \`environments/images.yml\` | image versions for all environments: none of ours yet |
| \`environments/manager/configuration.yml\` | versions (\`manager_version\` ${osism.version}, \`openstack_version\` ${plan.release.openstack}), the listener, \`configuration_git_*\` |
| \`environments/manager/secrets.yml\` | the listener's RabbitMQ password (mode 0600) |
| \`environments/manager/hosts\`, \`host_vars/${h}.yml\` | the manager's own inventory: \`${h}\` |
| \`environments/manager/images.yml\` | a placeholder that \`gilt overlay\` replaces with OSISM's |
| \`environments/kolla/configuration.yml\` | the kolla-ansible settings this box runs with, plus OSISM's image registry |
| \`environments/kolla/secrets.yml\` | kolla's passwords, as deployed (mode 0600) |
| \`environments/kolla/images.yml\` | \`openstack_release\` ${plan.release.openstack}, so kolla's image tags name this release |
| \`environments/{generic,custom}/\` | \`configuration.yml\`, \`secrets.yml\` (0600), \`images.yml\`: OSISM's runners require them |
| \`inventory/20-roles\` | \`${h}\` in every OSISM role group |
| \`inventory/host_vars/${h}.yml\` | the node's address and interfaces (\`network_interface\`, \`neutron_external_interface\`) |

The secret files are plain text. Encrypt them before they go into git, with the password in \`environments/.vault_pass\`
(keep that file out of git and copy it into the manager's checkout, \`${OSISM_CONFIGURATION_DIRECTORY}/environments/.vault_pass\`, by hand):
\`ansible-vault encrypt --vault-password-file environments/.vault_pass environments/secrets.yml environments/manager/secrets.yml environments/kolla/secrets.yml\`.

## Before the first OSISM run

1. Put this directory into a git repository on branch \`${OSISM_CONFIGURATION_BRANCH}\` and push it where the manager can reach it; set the
   \`configuration_git_*\` keys in \`environments/manager/configuration.yml\` to that place (the host is left as
   \`git.invalid\`). OSISM's manager checks it out to \`${OSISM_CONFIGURATION_DIRECTORY}\`.
2. Pull in OSISM's generic files (the manager's \`run.sh\`, \`images.yml\`, \`requirements\`, \`ansible.cfg\`) with
   \`MANAGER_VERSION=${osism.version} gilt overlay\` in the repository root (\`gilt.yml\` says what it fetches).${osism.established ? '' : `
   No numbered OSISM release was established for OpenStack ${plan.release.openstack} when this was written; pin one in \`environments/manager/configuration.yml\` when it exists.`}
3. Copy kolla's TLS material and overrides from this box:
   ${plan.network.tls ? `\`${kollaDir}/certificates/\` → \`environments/kolla/certificates/\` (haproxy.pem, haproxy-internal.pem, the CA under \`ca/\`), and ` : ''}any
   \`${kollaDir}/config/\` overrides → \`environments/kolla/files/overlays/\` (OSISM's \`node_custom_config\`).

Check \`environments/kolla/configuration.yml\` before the first deploy: OSISM pulls its own kolla images from
${OSISM_KOLLA_REGISTRY}, so the first \`osism apply\` of a service replaces the containers that came from
quay.io. Services OSISM would add or remove by default are pinned to what runs here, in its last section.

## Handing over

Install the OSISM manager on this machine (it is in the \`manager\` group) or on a separate one, following
OSISM's manager documentation. Then, from the manager:

- \`osism apply operator -u <your user>\` creates the operator user with the key from \`environments/secrets.yml\`,
- \`osism apply bootstrap\` and \`osism apply common\` prepare the hosts,
- \`osism apply <service>\` (e.g. \`osism apply nova\`) runs kolla-ansible for one service; \`osism apply -a reconfigure <service>\`
  re-renders a service's configuration without upgrading it.

Do not run \`osism apply network\` before the \`network_*\` variables in \`inventory/host_vars/${h}.yml\` describe
this host completely, including what Cloud-in-a-Box added${plan.network.localBridge ? ` (bridge ${plan.network.localBridge.bridge} and the veth pair for floating IPs)` : ''}.

## Adding a second node

1. Give it an address on ${plan.host.managementCidr} and the same interface roles.
2. Add \`inventory/host_vars/<name>.yml\` with its \`ansible_host\`, \`internal_address\`, \`internal_interface\`,
   \`network_interface\` and \`neutron_external_interface\`.
3. List it in \`inventory/20-roles\` under \`generic\` and the roles it takes, e.g. \`compute\` for more hypervisors.
4. \`osism apply operator\`, \`osism apply bootstrap\` and \`osism apply common\` limited to the new node
   (\`-l <name>\`), then \`osism apply nova\` and \`osism apply openvswitch\`/\`osism apply ovn\` to bring up compute.
${plan.network.haproxy ? '' : `5. This box runs without HAProxy: the VIP is ${h}'s own address. Before a second controller joins, choose a
   free address as \`kolla_internal_vip_address\` and set \`enable_haproxy\` (and \`enable_proxysql\`) back on.
`}
Variables that differ per node belong in \`host_vars\`; \`environments/kolla/configuration.yml\` holds what is
the same everywhere.
`;
}

// ---------------------------------------------------------------------------------------------------------

/** outDir: the folder the whole tree is written to (kolla's --configdir is <outDir>/kolla; DEPLOY-AUDIT W15). */
export function renderOsismRepository(plan: DeploymentPlan, secrets: OsismSecrets, outDir: string = DEFAULT_CONFIG_DIR): RenderedFile[] {
  const derived = deriveSecrets(plan, secrets);
  return [
    file('README.md', readme(plan, outDir)),
    file('environments/configuration.yml', globalConfiguration(plan, derived)),
    file('environments/secrets.yml', globalSecrets(plan, secrets, derived), true),
    file('gilt.yml', giltFile()),
    file('environments/.vault_pass', `${derived.vaultPassword}\n`, true),
    file('environments/images.yml', placeholderYaml('Image versions for all environments.')),
    file('environments/manager/configuration.yml', managerConfiguration(plan)),
    file('environments/manager/secrets.yml', managerSecrets(plan, secrets), true),
    file('environments/manager/hosts', managerHosts(plan)),
    file(`environments/manager/host_vars/${plan.host.hostname}.yml`, managerHostVars(plan)),
    file('environments/manager/images.yml', placeholderYaml('The manager\'s images: gilt overlay replaces this file with OSISM\'s own (see gilt.yml).')),
    file('environments/kolla/configuration.yml', kollaConfiguration(plan)),
    file('environments/kolla/secrets.yml', kollaSecrets(plan, secrets), true),
    file('environments/kolla/images.yml', kollaImages(plan)),
    ...OSISM_EMPTY_ENVIRONMENTS.flatMap((env) => [
      file(`environments/${env}/configuration.yml`, placeholderYaml(`OSISM's ${env} environment: settings.`)),
      file(`environments/${env}/secrets.yml`, placeholderYaml(`OSISM's ${env} environment: secrets.`), true),
      file(`environments/${env}/images.yml`, placeholderYaml(`OSISM's ${env} environment: image versions.`)),
    ]),
    file('inventory/20-roles', rolesInventory(plan)),
    file(`inventory/host_vars/${plan.host.hostname}.yml`, hostVars(plan)),
  ];
}
