// The operating system around the cloud: distro, kernel, init, python, container engines, time sync,
// services that clash with kolla, and the TCP ports kolla needs that something already holds.
import type { HostReader } from '../env/types.js';
import { runProbe } from './probe.js';
import { KOLLA_PORTS, type ListeningPort, type Note, type Os } from '../model/facts.js';
import { kollaHostSupport } from '../model/release.js';

/** KEY=value lines of /etc/os-release, quotes removed. */
export function parseOsRelease(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) values.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return values;
}

/** Process names (comm) of every running process, read from /proc. */
export async function listProcessNames(reader: HostReader): Promise<Map<number, string>> {
  const entries = (await reader.listDir('/proc')) ?? [];
  const pids = entries.filter((e) => /^\d+$/.test(e)).map(Number);
  const names = await Promise.all(pids.map((pid) => reader.readText(`/proc/${pid}/comm`)));
  const byPid = new Map<number, string>();
  pids.forEach((pid, i) => {
    const name = names[i]?.trim();
    if (name) byPid.set(pid, name);
  });
  return byPid;
}

/** Services that break a kolla deploy when they already run on the host, by process name. */
const CLASHING_PROCESSES: ReadonlyArray<[RegExp, string]> = [
  [/^libvirtd$|^virtqemud$/, 'libvirt (nova_libvirt needs /var/run/libvirt to itself)'],
  [/^mysqld$|^mariadbd$/, 'MySQL/MariaDB (port 3306)'],
  [/^beam\.smp$/, 'RabbitMQ/Erlang (ports 5672, 4369, 25672)'],
  [/^nscd$/, 'nscd (kolla prechecks refuse to run with it)'],
  [/^memcached$/, 'memcached (port 11211)'],
  [/^firewalld$/, 'firewalld (kolla disables it during bootstrap-servers)'],
  [/^lxd$/, 'LXD (its bridge and iptables rules clash with neutron)'],
];

const TIME_SERVICES = ['chronyd', 'ntpd', 'systemd-timesyn', 'openntpd', 'timesyncd'];

const IMAGE_DIRS = ['/var/lib/docker', '/var/lib/containers', '/var/lib', '/var', '/'];

async function findExecutable(reader: HostReader, name: string): Promise<boolean> {
  const dirs = ['/usr/bin', '/usr/sbin', '/bin', '/sbin', '/usr/local/bin'];
  const found = await Promise.all(dirs.map((d) => reader.exists(`${d}/${name}`)));
  return found.some(Boolean);
}

export async function detectOs(reader: HostReader, notes: Note[]): Promise<Os> {
  const [osRelease, kernel, init, python, processes, docker, podman, dockerSock, podmanSock, timedatectl, sudo, netplanDir, interfacesFile] =
    await Promise.all([
      reader.readText('/etc/os-release'),
      reader.readText('/proc/sys/kernel/osrelease'),
      reader.readText('/proc/1/comm'),
      // The system interpreter is what kolla's ansible uses on the host (not a pyenv/venv shim). Its link
      // target names the version (python3 -> python3.12) without starting a process.
      reader.readLink('/usr/bin/python3'),
      listProcessNames(reader),
      findExecutable(reader, 'docker'),
      findExecutable(reader, 'podman'),
      reader.exists('/run/docker.sock'),
      reader.exists('/run/podman/podman.sock'),
      runProbe(reader, 'timedatectl', ['show', '--property=NTPSynchronized', '--value'], 1500),
      reader.isRoot() ? Promise.resolve(null) : runProbe(reader, 'sudo', ['-n', 'true'], 2000),
      reader.listDir('/etc/netplan'),
      reader.readText('/etc/network/interfaces'),
    ]);
  if (osRelease === null) notes.push({ fact: 'os', message: '/etc/os-release could not be read: distribution unknown' });
  const release = parseOsRelease(osRelease ?? '');
  const id = release.get('ID') ?? null;
  const versionId = release.get('VERSION_ID') ?? null;
  const codename = release.get('VERSION_CODENAME') ?? release.get('UBUNTU_CODENAME') ?? null;
  const support = kollaHostSupport(id, codename, versionId);

  const running = new Set(processes.values());
  if (processes.size === 0) notes.push({ fact: 'os.services', message: '/proc lists no processes: running services unknown' });
  const clashing = CLASHING_PROCESSES.filter(([pattern]) => [...running].some((name) => pattern.test(name))).map(
    ([, label]) => label,
  );
  const timeService = TIME_SERVICES.find((name) => running.has(name)) ?? null;
  let synchronized: boolean | null = null;
  const answer = timedatectl.answered ? timedatectl.result.stdout.trim() : '';
  if (timedatectl.answered && timedatectl.result.exitCode === 0 && (answer === 'yes' || answer === 'no')) synchronized = answer === 'yes';
  else {
    const why = timedatectl.answered ? `timedatectl gave no answer (exit ${timedatectl.result.exitCode}; no systemd/dbus?)` : timedatectl.why;
    notes.push({ fact: 'os.timeSync', message: `${why}: clock synchronization unknown` });
  }
  // `sudo -n true` that ran says yes (exit 0) or no (exit 1, "a password is required"); sudo not installed is
  // a no too. A timed-out or killed sudo says nothing.
  const passwordlessSudo = sudo === null ? null : sudo.answered ? sudo.result.exitCode === 0 : sudo.result.notFound ? false : null;
  if (sudo !== null && passwordlessSudo === null && !sudo.answered) notes.push({ fact: 'os.privilege.passwordlessSudo', message: `${sudo.why}: passwordless sudo unknown` });

  const pythonVersion = /python(\d+\.\d+)$/.exec(python ?? '')?.[1] ?? null;
  if (pythonVersion === null) notes.push({ fact: 'os.python3', message: 'python3 was not found: kolla-ansible needs Python 3.11 or newer on the host' });

  const imagesPath = await firstExisting(reader, IMAGE_DIRS);
  const imagesFreeBytes = await reader.freeBytes(imagesPath);
  if (imagesFreeBytes === null) notes.push({ fact: 'os.imagesFreeBytes', message: `free space on ${imagesPath} unknown` });

  const netplanFiles = (netplanDir ?? []).filter((f) => /\.ya?ml$/.test(f)).sort();
  // netplan only writes configuration for a renderer: with "renderer: NetworkManager" (Ubuntu Desktop's
  // 01-network-manager-all.yaml) NetworkManager owns the links, and files for systemd-networkd would do nothing
  // (DEPLOY-AUDIT W4). An unreadable file says nothing, so netplan's default renderer (networkd) stands.
  const netplanTexts = await Promise.all(netplanFiles.map((f) => reader.readText(`/etc/netplan/${f}`)));
  const netplanRenderer = netplanTexts.some((t) => t !== null && /^\s*renderer:\s*["']?NetworkManager["']?\s*(#.*)?$/m.test(t)) ? 'NetworkManager' : null;
  const networkConfig = netplanFiles.length > 0
    ? netplanRenderer ?? 'netplan'
    : running.has('NetworkManager')
      ? 'NetworkManager'
      : running.has('systemd-network')
        ? 'networkd'
        : interfacesFile !== null
          ? 'ifupdown'
          : 'unknown';

  return {
    id,
    versionId,
    codename,
    prettyName: release.get('PRETTY_NAME') ?? null,
    kollaSupported: support.supported,
    kollaSupportNote: support.note,
    kernel: kernel?.trim() || null,
    init: init?.trim() || null,
    python3: pythonVersion,
    containerEngines: [
      { name: 'docker', installed: docker, running: dockerSock || running.has('dockerd') },
      { name: 'podman', installed: podman, running: podmanSock },
    ],
    imagesPath,
    imagesFreeBytes,
    timeSync: { synchronized, service: timeService === 'systemd-timesyn' ? 'systemd-timesyncd' : timeService },
    networkConfig,
    services: { clashing },
    privilege: { root: reader.isRoot(), passwordlessSudo },
  };
}

async function firstExisting(reader: HostReader, paths: readonly string[]): Promise<string> {
  const found = await Promise.all(paths.map((p) => reader.exists(p)));
  return paths[found.findIndex(Boolean)] ?? '/';
}

interface ProcSocket {
  port: number;
  address: string;
  inode: string;
}

/** LISTEN sockets from /proc/net/tcp or tcp6. */
export function parseProcNetTcp(text: string, family: 'inet' | 'inet6'): ProcSocket[] {
  const sockets: ProcSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== '0A') continue;
    const [hexAddress, hexPort] = (fields[1] ?? '').split(':');
    if (!hexAddress || !hexPort) continue;
    sockets.push({ port: parseInt(hexPort, 16), address: decodeAddress(hexAddress, family), inode: fields[9]! });
  }
  return sockets;
}

function decodeAddress(hex: string, family: 'inet' | 'inet6'): string {
  if (family === 'inet') {
    const bytes = hex.match(/../g)?.map((b) => parseInt(b, 16)).reverse() ?? [];
    return bytes.join('.');
  }
  // /proc/net/tcp6 stores four little-endian 32-bit words.
  const words = hex.match(/.{8}/g) ?? [];
  const groups = words.flatMap((w) => {
    const b = w.match(/../g)!.reverse().join('');
    return [b.slice(0, 4), b.slice(4, 8)];
  });
  const text = groups.map((g) => parseInt(g, 16).toString(16)).join(':');
  return text.replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Which of kolla's ports something already listens on, and which process holds it (when visible). */
export async function detectPortsInUse(reader: HostReader, notes: Note[]): Promise<ListeningPort[]> {
  const [tcp4, tcp6] = await Promise.all([reader.readText('/proc/net/tcp'), reader.readText('/proc/net/tcp6')]);
  if (tcp4 === null && tcp6 === null) {
    notes.push({ fact: 'portsInUse', message: '/proc/net/tcp could not be read: listening ports unknown' });
    return [];
  }
  const wanted = new Set(KOLLA_PORTS.map((p) => p.port));
  const listening = [...parseProcNetTcp(tcp4 ?? '', 'inet'), ...parseProcNetTcp(tcp6 ?? '', 'inet6')].filter((s) =>
    wanted.has(s.port),
  );
  if (listening.length === 0) return [];
  // Only now pay for the socket → process lookup: walk /proc/*/fd for the sockets' inodes.
  const owners = await findSocketOwners(reader, new Set(listening.map((s) => s.inode)));
  const seen = new Set<string>();
  return listening
    .filter((s) => {
      const key = `${s.address}:${s.port}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((s) => ({
      port: s.port,
      address: s.address,
      process: owners.get(s.inode)?.name ?? null,
      pid: owners.get(s.inode)?.pid ?? null,
    }))
    .sort((a, b) => a.port - b.port);
}

async function findSocketOwners(reader: HostReader, inodes: Set<string>): Promise<Map<string, { pid: number; name: string }>> {
  const owners = new Map<string, { pid: number; name: string }>();
  const processes = await listProcessNames(reader);
  await Promise.all(
    [...processes].map(async ([pid, name]) => {
      const fds = (await reader.listDir(`/proc/${pid}/fd`)) ?? [];
      const links = await Promise.all(fds.map((fd) => reader.readLink(`/proc/${pid}/fd/${fd}`)));
      for (const link of links) {
        const inode = /^socket:\[(\d+)\]$/.exec(link ?? '')?.[1];
        if (inode && inodes.has(inode)) owners.set(inode, { pid, name });
      }
    }),
  );
  return owners;
}
