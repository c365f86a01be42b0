// HostFacts: what `ciab detect` knows about the machine. Versioned; every unknown is null plus a note.
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { ipv4Problem } from './network-values.js';

export const HOST_FACTS_VERSION = 1;

/** Smallest disk worth offering to cinder/ceph. */
export const MIN_USABLE_DISK_BYTES = 8 * 1024 ** 3;

export const Note = z.object({
  /** Which fact is affected, as a dotted path (e.g. "cpu.kvm", "disks"). */
  fact: z.string(),
  message: z.string(),
});
export type Note = z.infer<typeof Note>;

export const Cpu = z.object({
  vendor: z.string().nullable(),
  model: z.string().nullable(),
  arch: z.string(),
  sockets: z.number().int().nullable(),
  cores: z.number().int().nullable(),
  threads: z.number().int().nullable(),
  flags: z.object({ vmx: z.boolean(), svm: z.boolean() }),
  kvm: z.object({
    /** /dev/kvm exists */
    present: z.boolean(),
    /**
     * Instances can run with KVM: /dev/kvm opens and a test guest ran (guest.runs). null = not known (no python3, the
     * probe was killed or not recorded): the plan then uses qemu and says why. reason says why not (or why unknown).
     */
    usable: z.boolean().nullable(),
    reason: z.string().nullable(),
    /** The kernel module serving /dev/kvm: kvm_intel, kvm_amd, kvm_pvm (paravirtual nested, stock guests hang) … */
    backend: z.string().nullable().default(null),
    /** The guest probe (probes/kvm-guest.py): did a real-mode and a long-mode guest reach hlt? null = not run/unknown. */
    guest: z
      .object({ runs: z.boolean().nullable(), detail: z.string().nullable() })
      .default({ runs: null, detail: null }),
  }),
  nested: z.object({
    module: z.enum(['kvm_intel', 'kvm_amd']).nullable(),
    enabled: z.boolean().nullable(),
  }),
});
export type Cpu = z.infer<typeof Cpu>;

export const System = z.object({
  vendor: z.string().nullable(),
  product: z.string().nullable(),
  virtual: z.boolean().nullable(),
  /** kvm, qemu, vmware, microsoft, xen, oracle, amazon, google, docker, lxc … */
  hypervisor: z.string().nullable(),
  /** docker, lxc, podman, wsl … when this runs inside a container */
  container: z.string().nullable(),
  firmware: z.enum(['uefi', 'bios']).nullable(),
});
export type System = z.infer<typeof System>;

export const Memory = z.object({
  totalBytes: z.number().nullable(),
  availableBytes: z.number().nullable(),
  swapTotalBytes: z.number().nullable(),
  swapFreeBytes: z.number().nullable(),
  hugepages: z.object({
    total: z.number().int().nullable(),
    free: z.number().int().nullable(),
    sizeBytes: z.number().nullable(),
  }),
});
export type Memory = z.infer<typeof Memory>;

export const Transport = z.enum(['nvme', 'sata', 'sas', 'scsi', 'usb', 'virtio', 'mmc', 'xen', 'loop', 'zram', 'ram', 'md', 'dm', 'unknown']);
export type Transport = z.infer<typeof Transport>;

export const DiskVerdict = z.enum([
  'root-disk',
  'boot-disk',
  'installer-media',
  'mounted',
  'has-partitions',
  'has-signature',
  'lvm-member',
  'raid-member',
  'in-use',
  'too-small',
  'read-only',
  'virtual-device',
]);
export type DiskVerdict = z.infer<typeof DiskVerdict>;

export const Partition = z.object({
  name: z.string(),
  path: z.string(),
  sizeBytes: z.number().nullable(),
  fstype: z.string().nullable(),
  mountpoints: z.array(z.string()),
});

export const Disk = z.object({
  name: z.string(),
  path: z.string(),
  /** lsblk TYPE: disk, loop, rom … (partitions are listed under their disk) */
  type: z.string(),
  sizeBytes: z.number().nullable(),
  model: z.string().nullable(),
  serial: z.string().nullable(),
  transport: Transport,
  rotational: z.boolean().nullable(),
  removable: z.boolean().nullable(),
  readOnly: z.boolean().nullable(),
  partitionTable: z.string().nullable(),
  partitions: z.array(Partition),
  /** Filesystem / LVM / RAID signatures found on the whole device or its partitions (e.g. "ext4", "LVM2_member"). */
  signatures: z.array(z.string()),
  /** Everything mounted from this disk, its partitions and the devices built on them. */
  mountpoints: z.array(z.string()),
  /** Devices stacked on this disk (dm, md), from /sys/block/X/holders and its partitions' holders. */
  holders: z.array(z.string()),
  byId: z.string().nullable(),
  usable: z.boolean(),
  /** Why it is not usable, most important first (empty when usable). */
  reasons: z.array(z.object({ code: DiskVerdict, message: z.string() })),
});
export type Disk = z.infer<typeof Disk>;

export const NicKind = z.enum(['physical', 'virtual', 'bridge', 'bond', 'vlan', 'veth', 'wireless', 'loopback', 'tun', 'unknown']);
export type NicKind = z.infer<typeof NicKind>;

export const Address = z.object({
  family: z.enum(['inet', 'inet6']),
  address: z.string(),
  prefixlen: z.number().int(),
  /** global, link, host */
  scope: z.string(),
  /**
   * Present (true) when the kernel holds the address with a lease (ip's "dynamic" flag: DHCP through
   * NetworkManager, systemd-networkd or dhcpcd, SLAAC). Absent does not prove a static address: dhclient under
   * ifupdown adds its lease as a permanent one.
   */
  dynamic: z.literal(true).optional(),
});
export type Address = z.infer<typeof Address>;

export const Nic = z.object({
  name: z.string(),
  kind: NicKind,
  operstate: z.string(),
  carrier: z.boolean().nullable(),
  speedMbps: z.number().nullable(),
  mtu: z.number().int().nullable(),
  mac: z.string().nullable(),
  driver: z.string().nullable(),
  /** Bridge or bond this interface is enslaved to. */
  master: z.string().nullable(),
  addresses: z.array(Address),
  defaultRoute: z.boolean(),
  /** management: carries the default route; external: up, carrier, no address — kolla's neutron_external_interface. */
  role: z.enum(['management', 'external']).nullable(),
});
export type Nic = z.infer<typeof Nic>;

export const Network = z.object({
  defaultRoute: z.object({ interface: z.string(), gateway: z.string().nullable() }).nullable(),
  dns: z.array(z.string()),
  hostname: z.string(),
  /** What the hostname resolves to (getent ahostsv4, as kolla's RabbitMQ precheck asks; /etc/hosts as fallback). */
  hostnameAddresses: z.array(z.string()),
  /** Hostname resolves to a loopback address (127.0.1.1 on Ubuntu): RabbitMQ prechecks fail on this. */
  hostnameLoopbackTrap: z.boolean(),
  uplink: z.object({
    checked: z.boolean(),
    reachable: z.boolean().nullable(),
    target: z.string(),
    ms: z.number().nullable(),
    error: z.string().nullable(),
  }),
});
export type Network = z.infer<typeof Network>;

export const Os = z.object({
  id: z.string().nullable(),
  versionId: z.string().nullable(),
  codename: z.string().nullable(),
  prettyName: z.string().nullable(),
  /** Supported as a host by the kolla-ansible release the project pins. */
  kollaSupported: z.boolean(),
  kollaSupportNote: z.string(),
  kernel: z.string().nullable(),
  init: z.string().nullable(),
  python3: z.string().nullable(),
  containerEngines: z.array(
    z.object({ name: z.enum(['docker', 'podman']), installed: z.boolean(), running: z.boolean() }),
  ),
  /** Where container images will live (/var/lib/docker or the nearest existing parent) and its free space. */
  imagesPath: z.string(),
  imagesFreeBytes: z.number().nullable(),
  timeSync: z.object({ synchronized: z.boolean().nullable(), service: z.string().nullable() }),
  /** Who owns the host's network configuration: the installer writes its bridge in that format. */
  networkConfig: z.enum(['netplan', 'networkd', 'ifupdown', 'NetworkManager', 'unknown']),
  services: z.object({
    /** Running services that clash with kolla (libvirtd, mysqld, rabbitmq, nscd …) */
    clashing: z.array(z.string()),
  }),
  privilege: z.object({ root: z.boolean(), passwordlessSudo: z.boolean().nullable() }),
});
export type Os = z.infer<typeof Os>;

export const ListeningPort = z.object({
  port: z.number().int(),
  address: z.string(),
  process: z.string().nullable(),
  pid: z.number().int().nullable(),
});
export type ListeningPort = z.infer<typeof ListeningPort>;

export const HostFacts = z.object({
  schemaVersion: z.literal(HOST_FACTS_VERSION),
  detectedAt: z.string(),
  /** How long detection took, in milliseconds. */
  durationMs: z.number(),
  system: System,
  cpu: Cpu,
  memory: Memory,
  disks: z.array(Disk),
  nics: z.array(Nic),
  network: Network,
  os: Os,
  /** Ports kolla needs that something already listens on. */
  portsInUse: z.array(ListeningPort),
  notes: z.array(Note),
});
export type HostFacts = z.infer<typeof HostFacts>;

/** The TCP ports kolla's services listen on for a single-node deploy; checked by detect and preflight. */
export const KOLLA_PORTS: ReadonlyArray<{ port: number; service: string }> = [
  { port: 80, service: 'horizon' },
  { port: 443, service: 'horizon (TLS)' },
  { port: 3260, service: 'iscsid' },
  { port: 3306, service: 'mariadb' },
  { port: 4369, service: 'rabbitmq epmd' },
  { port: 4444, service: 'mariadb sst' },
  { port: 4567, service: 'mariadb galera' },
  { port: 4568, service: 'mariadb ist' },
  { port: 5000, service: 'keystone' },
  { port: 5672, service: 'rabbitmq' },
  { port: 6080, service: 'nova novncproxy' },
  { port: 6640, service: 'openvswitch db' },
  { port: 6641, service: 'ovn northbound db' },
  { port: 6642, service: 'ovn southbound db' },
  { port: 8004, service: 'heat' },
  { port: 8022, service: 'nova ssh' },
  { port: 8774, service: 'nova api' },
  { port: 8775, service: 'nova metadata' },
  { port: 8776, service: 'cinder' },
  { port: 8780, service: 'placement' },
  { port: 9292, service: 'glance' },
  { port: 9696, service: 'neutron' },
  { port: 11211, service: 'memcached' },
  { port: 15672, service: 'rabbitmq management' },
  { port: 16509, service: 'libvirt' },
  { port: 25672, service: 'rabbitmq cluster' },
];

/** C0 and C1 control characters and DEL: in a hostname or a model string they would reach the inventory or the terminal raw. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A hostname as the inventory and RabbitMQ need it: one DNS label or name, no spaces, nothing hidden. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function walkStrings(value: unknown, path: Array<string | number>, visit: (text: string, path: Array<string | number>) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => walkStrings(item, [...path, index], visit));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
}

/**
 * HostFacts read from a file (`--facts`): a person may have edited it, so beyond the shape every address must be
 * an address, the hostname a hostname, and no string may carry control or escape characters.
 */
export const HostFactsFile = HostFacts.superRefine((facts, ctx) => {
  walkStrings(facts, [], (text, path) => {
    if (CONTROL_CHARACTERS.test(text)) ctx.addIssue({ code: 'custom', path, message: 'contains control or escape characters (a newline, ESC …); facts hold plain text' });
  });
  if (!HOSTNAME.test(facts.network.hostname)) {
    ctx.addIssue({ code: 'custom', path: ['network', 'hostname'], message: `expected a hostname like node1 or node1.example.org, got ${facts.network.hostname === '' ? 'an empty one' : JSON.stringify(facts.network.hostname.slice(0, 60))}` });
  }
  facts.nics.forEach((nic, n) =>
    nic.addresses.forEach((a, i) => {
      const path = ['nics', n, 'addresses', i];
      if (a.family === 'inet') {
        const problem = ipv4Problem(a.address);
        if (problem) ctx.addIssue({ code: 'custom', path: [...path, 'address'], message: problem });
        if (a.prefixlen < 0 || a.prefixlen > 32) ctx.addIssue({ code: 'custom', path: [...path, 'prefixlen'], message: `expected an IPv4 prefix length 0-32, got ${a.prefixlen}` });
      } else {
        if (!ipaddr.IPv6.isValid(a.address)) ctx.addIssue({ code: 'custom', path: [...path, 'address'], message: `"${a.address.slice(0, 60)}" is not an IPv6 address` });
        if (a.prefixlen < 0 || a.prefixlen > 128) ctx.addIssue({ code: 'custom', path: [...path, 'prefixlen'], message: `expected an IPv6 prefix length 0-128, got ${a.prefixlen}` });
      }
    }),
  );
  const gateway = facts.network.defaultRoute?.gateway;
  if (gateway && ipv4Problem(gateway) && !ipaddr.IPv6.isValid(gateway)) {
    ctx.addIssue({ code: 'custom', path: ['network', 'defaultRoute', 'gateway'], message: `"${gateway.slice(0, 60)}" is not an IP address` });
  }
});
