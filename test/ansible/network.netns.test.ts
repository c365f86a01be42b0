// prepare-host's network, /etc/hosts and kernel parts and their teardown, run by the pinned ansible-playbook
// inside a sandbox network namespace whose "uplink" is a veth pair to a gateway namespace (default route via
// it). Files go under a temp dir (ciab_root); nothing touches the root namespace or the real /etc. The --check
// run on this machine (ciab_root /), which must change no file, is prepare-host.check's: it runs every part.
// TEST addresses only: 192.0.2.0/24 (the uplink), 198.51.100.10 (a server in the gateway namespace).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { HOST_TEMPLATES } from '../helpers/inputs.js';
import { renderHostFiles } from '../../src/render/host.js';
import {
  createUplinkSandbox,
  hasTool as has,
  HOST_UPLINK_IP,
  ipIn,
  netnsUnavailable,
  removeNetns,
  runCommand as run,
  shIn as sh,
  uniqueNetnsName,
  uplinkPlan,
  WORLD_SERVER_IP,
} from '../helpers/netns.js';
import { waitUntil } from '../helpers/wait.js';
import { ensureKollaVenv, needVenv, type KollaVenv } from '../kolla/harness.js';
import { describeIfAvailable, skipOrFail } from '../helpers/require.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const ANSIBLE = path.join(REPO, 'ansible');
// The sandbox is the "host" of test/helpers/netns.ts; the gateway is its "world".
const NS = { sandbox: uniqueNetnsName('sb'), gateway: uniqueNetnsName('gw') };
const SANDBOX_IP = HOST_UPLINK_IP;
const SERVER_IP = WORLD_SERVER_IP;
const HOSTNAME = 'seat07';

const skipReason = netnsUnavailable(['ifup', 'ifdown', 'python3', 'setsid'], 'iproute2 ifupdown python3 util-linux');

/** Everything in the sandbox teardown must leave as it was. */
function sandboxState(root: string) {
  const links = (JSON.parse(ipIn(NS.sandbox, '-j', 'address', 'show')) as Array<Record<string, unknown>>).map((l) => ({
    name: l.ifname,
    up: l.operstate,
    master: l.master ?? null,
    addrs: (l.addr_info as Array<{ local: string; prefixlen: number }>).map((a) => `${a.local}/${a.prefixlen}`),
  }));
  const files: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      // run/ is ifupdown's runtime state (a tmpfs on a real machine, emptied at boot), not a file ciab installs.
      if (dir === root && name === 'run') continue;
      const p = path.join(dir, name);
      const st = lstatSync(p);
      const rel = path.relative(root, p);
      if (st.isDirectory()) {
        files[`${rel}/`] = (st.mode & 0o7777).toString(8);
        walk(p);
      } else files[rel] = `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(root);
  return {
    links,
    routes: ipIn(NS.sandbox, '-4', 'route', 'show', 'table', 'all'),
    nft: has('nft') ? sh(NS.sandbox, 'nft list ruleset') : '',
    iptables: has('iptables') ? sh(NS.sandbox, 'iptables-save 2>/dev/null | grep -v "^#" || true') : '',
    forwarding: sh(NS.sandbox, 'cat /proc/sys/net/ipv4/ip_forward'),
    files,
  };
}

describeIfAvailable('prepare-host network parts in network namespaces', skipReason, () => {
  let kv: KollaVenv | undefined;
  let venvSkip = '';
  let dir = '';
  let root = '';
  let config = '';
  let state = '';
  let plan: DeploymentPlan;
  let before: ReturnType<typeof sandboxState>;

  interface PlayResult {
    status: number;
    out: string;
    changed: number;
    failed: number;
  }

  function playbook(name: string, parts: string[]): string {
    const file = path.join(dir, `${name}.yml`);
    const tasks = parts.map((p) => `    - ansible.builtin.include_tasks: ${path.join(ANSIBLE, p)}`).join('\n');
    writeFileSync(file, `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n${tasks}\n`);
    return file;
  }

  function play(file: string, vars: Record<string, unknown>, opts: { ns?: string; check?: boolean } = {}): PlayResult {
    const bin = path.join(kv!.bin, 'ansible-playbook');
    const args = ['-i', 'localhost,', file, '-e', JSON.stringify({ ansible_python_interpreter: path.join(kv!.bin, 'python3'), ...vars })];
    if (opts.check) args.push('--check', '--diff');
    const env = {
      ...process.env,
      ANSIBLE_LIBRARY: path.join(ANSIBLE, 'library'),
      ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-tmp'),
      ANSIBLE_REMOTE_TEMP: path.join(dir, 'ansible-tmp'),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_FORCE_COLOR: '0',
    };
    const res = opts.ns ? spawnSync('ip', ['netns', 'exec', opts.ns, bin, ...args], { encoding: 'utf8', env }) : spawnSync(bin, args, { encoding: 'utf8', env });
    const out = `${res.stdout}\n${res.stderr}`;
    const recap = /localhost\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)/.exec(out);
    return { status: res.status ?? -1, out, changed: recap ? Number(recap[1]) : -1, failed: recap ? Number(recap[2]) : -1 };
  }

  const vars = (configDir: string) => ({ ciab_config_dir: configDir, ciab_root: root, ciab_state_dir: state, ciab_network_rollback_seconds: 60 });
  const PREPARE = ['prepare-host/hosts-file.yml', 'prepare-host/kernel.yml', 'prepare-host/network.yml'];
  const TEARDOWN = ['teardown/network.yml', 'teardown/hosts-file.yml'];

  function writeConfig(target: string, p: DeploymentPlan, edit?: (name: string, content: string) => string): void {
    for (const f of renderHostFiles(p, HOST_TEMPLATES)) {
      const dest = path.join(target, f.path);
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, edit ? edit(f.path, f.content) : f.content, { mode: f.mode });
    }
    mkdirSync(path.join(target, 'ciab'), { recursive: true });
    writeFileSync(path.join(target, 'ciab', 'plan.json'), `${JSON.stringify(p, null, 2)}\n`);
  }

  beforeAll(async () => {
    const venv = await ensureKollaVenv();
    if ('skip' in venv) venvSkip = venv.skip;
    else kv = venv;
    dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-net-'));
    root = path.join(dir, 'root');
    config = path.join(dir, 'config');
    state = path.join(dir, 'state');
    // A Debian-like root: the hosts trap (K01), and an interfaces file that does not source interfaces.d.
    for (const d of ['etc/network/interfaces.d', 'etc/systemd/system', 'etc/systemd/network', 'etc/sysctl.d', 'etc/modules-load.d', 'usr/local/sbin', 'run']) {
      mkdirSync(path.join(root, d), { recursive: true });
    }
    writeFileSync(path.join(root, 'etc', 'hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${HOSTNAME}.lan\t${HOSTNAME}\n\n::1     localhost ip6-localhost ip6-loopback\n`);
    writeFileSync(path.join(root, 'etc', 'network', 'interfaces'), 'auto lo\niface lo inet loopback\n');

    plan = await uplinkPlan({ hostname: HOSTNAME, managementIp: SANDBOX_IP, managementCidr: `${SANDBOX_IP}/24` });
    writeConfig(config, plan);

    createUplinkSandbox({ host: NS.sandbox, world: NS.gateway }, { routeBack: false });
    // No route back to the floating network: only masqueraded traffic gets an answer.
    before = sandboxState(root);
  }, 300_000);

  afterAll(() => {
    removeNetns(Object.values(NS));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const needVenv = (ctx: { skip(note?: string): never }) => {
    if (!kv) skipOrFail(ctx, venvSkip || 'kolla venv unavailable');
  };

  it('brings up the bridge, veth pair and NAT, fixes /etc/hosts, and adds the interfaces.d source line', (ctx) => {
    needVenv(ctx);
    const b = plan.network.localBridge!;
    const res = play(playbook('prepare', PREPARE), vars(config), { ns: NS.sandbox });
    expect(res.status, res.out).toBe(0);
    expect(res.changed).toBeGreaterThan(0);
    expect(res.out).toContain('did not source /etc/network/interfaces.d');

    const links = JSON.parse(ipIn(NS.sandbox, '-j', 'address', 'show')) as Array<{ ifname: string; operstate: string; master?: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>;
    const link = (n: string) => links.find((l) => l.ifname === n);
    expect(link(b.bridge)?.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([b.gatewayCidr]);
    expect(link(b.vethHost)?.master).toBe(b.bridge);
    expect(link(b.vethKolla)?.operstate).toBe('UP');
    expect(link(b.vethKolla)?.addr_info).toEqual([]);
    expect(sh(NS.sandbox, 'cat /proc/sys/net/ipv4/ip_forward').trim()).toBe('1');
    expect(sh(NS.sandbox, `cat /proc/sys/net/ipv6/conf/${b.vethKolla}/disable_ipv6`).trim()).toBe('1');

    const hosts = readFileSync(path.join(root, 'etc', 'hosts'), 'utf8');
    expect(hosts).toMatch(new RegExp(`^${SANDBOX_IP.replace(/\./g, '\\.')} ${HOSTNAME}\\.\\S+ ${HOSTNAME}$`, 'm'));
    expect(hosts).not.toMatch(/^127\.0\.1\.1/m);
    expect(readFileSync(path.join(root, 'etc', 'network', 'interfaces'), 'utf8')).toMatch(/^source \/etc\/network\/interfaces\.d\/\*$/m);
    for (const f of ['etc/network/interfaces.d/60-ciab', 'usr/local/sbin/ciab-nat', 'etc/systemd/system/ciab-nat.service', 'etc/sysctl.d/60-ciab.conf']) {
      expect(existsSync(path.join(root, f)), f).toBe(true);
    }
  }, 240_000);

  it('the sandbox reaches the gateway namespace through the NAT (the server sees the uplink address)', () => {
    const b = plan.network.localBridge!;
    const gw = b.gatewayCidr.split('/')[0]!;
    const server = `import socket
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('${SERVER_IP}', 18181)); s.listen(1); s.settimeout(15)
print('ready', flush=True); c,p=s.accept(); print(p[0], flush=True)`;
    const client = `import socket; c=socket.socket(); c.bind(('${gw}', 0)); c.settimeout(10); c.connect(('${SERVER_IP}', 18181)); c.close()`;
    // Listener in the gateway namespace; the client (sourced from the floating gateway address) starts once it is ready.
    const out = run('sh', [
      '-c',
      `set -e; f=$(mktemp); ip netns exec ${NS.gateway} python3 -c "$0" > "$f" & pid=$!
       i=0; until grep -q ready "$f"; do i=$((i+1)); [ $i -lt 300 ] || exit 9; sleep 0.05; done
       ip netns exec ${NS.sandbox} python3 -c "$1"; wait $pid; tail -n 1 "$f"; rm -f "$f"`,
      server,
      client,
    ]);
    expect(out.trim()).toBe(SANDBOX_IP);
  }, 60_000);

  it('a second run changes nothing', (ctx) => {
    needVenv(ctx);
    const res = play(playbook('prepare', PREPARE), vars(config), { ns: NS.sandbox });
    expect(res.status, res.out).toBe(0);
    expect(res.changed, res.out).toBe(0);
  }, 240_000);

  it('teardown leaves the sandbox as it was: links, routes, nft/iptables rules, forwarding, files', (ctx) => {
    needVenv(ctx);
    const res = play(playbook('teardown', TEARDOWN), vars(config), { ns: NS.sandbox });
    expect(res.status, res.out).toBe(0);
    expect(sandboxState(root)).toEqual(before);
    const again = play(playbook('teardown', TEARDOWN), vars(config), { ns: NS.sandbox });
    expect(again.status, again.out).toBe(0);
    expect(again.changed, again.out).toBe(0);
  }, 240_000);

  it('a change that loses the default route is rolled back at once, and the play fails saying so', (ctx) => {
    needVenv(ctx);
    // A stanza that drops the default route when it comes up (as a DHCP client or a stray "up" line would).
    const bad = path.join(dir, 'config-bad');
    writeConfig(bad, plan, (name, content) => (name.endsWith('interfaces.d/60-ciab') ? `${content}    up ip route del default\n` : content));
    const res = play(playbook('prepare-network', ['prepare-host/network.yml']), vars(bad), { ns: NS.sandbox });
    expect(res.status).not.toBe(0);
    expect(res.out).toMatch(/ciab: the host network was rolled back: applying it lost the default route \(via 192\.0\.2\.1 dev uplink0\)/);
    expect(ipIn(NS.sandbox, 'route', 'show', 'default')).toMatch(/default via 192\.0\.2\.1 dev uplink0/);
    const after = sandboxState(root);
    // The source line is outside the transaction (it changes nothing until a boot); everything else is as before.
    expect(after.links).toEqual(before.links);
    expect(after.routes).toEqual(before.routes);
    expect(after.nft).toEqual(before.nft);
    expect(after.iptables).toEqual(before.iptables);
    expect(existsSync(path.join(root, 'etc/network/interfaces.d/60-ciab'))).toBe(false);
    expect(existsSync(path.join(root, 'usr/local/sbin/ciab-nat'))).toBe(false);
    play(playbook('teardown', TEARDOWN), vars(config), { ns: NS.sandbox });
    expect(sandboxState(root).files).toEqual(before.files);
  }, 240_000);

  it('the watchdog rolls back on its own when the change is never confirmed (the play died)', async (ctx) => {
    needVenv(ctx);
    const b = plan.network.localBridge!;
    const txn = path.join(dir, 'watchdog-txn');
    const helper = path.join(ANSIBLE, 'files', 'ciab-network-txn');
    const file = path.join(root, 'etc/network/interfaces.d/60-ciab');
    const nat = path.join(root, 'usr/local/sbin/ciab-nat');
    const env = {
      ROOT: root, FLAVOR: 'ifupdown', LOCAL: 'yes', BRIDGE: b.bridge, VETH_HOST: b.vethHost, VETH_KOLLA: b.vethKolla, GATEWAY_CIDR: b.gatewayCidr,
      EXT_NIC: '', NAT_SCRIPT: nat, NAT_UNIT: 'ciab-nat.service', USE_SYSTEMD: 'no', IFUPDOWN_STATE: path.join(root, 'run/network'),
      IFUPDOWN_ARGS: '--no-scripts --no-mappings', DNS_PROBE: '', TIMEOUT: '2', FILES: [file, nat].join('\n'),
    };
    const exec = (cmd: string) => execFileSync('ip', ['netns', 'exec', NS.sandbox, helper, cmd, txn], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    exec('begin');
    cpSync(path.join(config, 'host/etc/network/interfaces.d/60-ciab'), file);
    cpSync(path.join(config, 'host/usr/local/sbin/ciab-nat'), nat);
    exec('apply');
    expect(ipIn(NS.sandbox, 'link', 'show')).toContain(b.bridge);
    // No commit: as if ansible was killed here.
    await waitUntil(() => existsSync(path.join(txn, 'rolled-back')), 'the watchdog rolled back', 30_000);
    expect(readFileSync(path.join(txn, 'rolled-back'), 'utf8')).toContain('not confirmed within 2s');
    const after = sandboxState(root);
    expect(after.links).toEqual(before.links);
    expect(after.nft).toEqual(before.nft);
    expect(existsSync(file)).toBe(false);
  }, 60_000);
});
