// Checks of the machine against a profile: facts × profile → findings. Pure; each check is data
// (id, what it measures, the message with both numbers, a hint).
import type { HostFacts } from '../model/facts.js';
import { KOLLA_PORTS } from '../model/facts.js';
import type { Finding } from '../model/findings.js';
import type { Profile } from '../model/profile.js';
import { OPENSTACK_RELEASE } from '../model/release.js';
import { formatBytes, GiB } from '../model/units.js';

export interface HostCheck {
  id: string;
  /** What the check is about, for `ciab preflight --list`. */
  title: string;
  run(facts: HostFacts, profile: Profile): Finding[];
}

const finding = (id: string, severity: Finding['severity'], message: string, hint: string | null = null): Finding => ({
  id,
  severity,
  message,
  hint,
});

export const HOST_CHECKS: readonly HostCheck[] = [
  {
    id: 'os',
    title: `host OS supported by kolla-ansible ${OPENSTACK_RELEASE}`,
    run: (facts) => {
      const os = facts.os;
      const name = os.prettyName ?? os.id ?? 'unknown OS';
      if (!os.kollaSupported) {
        return [finding('os', 'block', `${name}: ${os.kollaSupportNote}`, 'install Ubuntu 24.04 or Debian 13, or skip with --skip-check os at your own risk')];
      }
      if (os.kollaSupportNote.includes('dropped')) {
        return [finding('os', 'warn', `${name}: ${os.kollaSupportNote}`, 'fine for now; prefer Debian 13 (trixie) for a cloud you want to upgrade')];
      }
      return [finding('os', 'info', `${name}: supported`)];
    },
  },
  {
    id: 'arch',
    title: 'CPU architecture with kolla images',
    run: (facts) =>
      ['x64', 'arm64'].includes(facts.cpu.arch)
        ? []
        : [finding('arch', 'block', `CPU architecture ${facts.cpu.arch}: kolla publishes images for x86_64 and aarch64 only`, null)],
  },
  {
    id: 'privilege',
    title: 'root or passwordless sudo',
    run: (facts) => {
      const p = facts.os.privilege;
      if (p.root) return [];
      if (p.passwordlessSudo) return [finding('privilege', 'info', 'not root, but sudo works without a password')];
      return [finding('privilege', 'block', 'not root and sudo asks for a password: the installer changes network, disks and services', 'run as root (sudo ciab …) or allow passwordless sudo for this user')];
    },
  },
  {
    id: 'cpu',
    title: 'CPU cores or threads for the profile',
    run: (facts, profile) => {
      const req = profile.requirements.cpu;
      const have = req.unit === 'cores' ? facts.cpu.cores : facts.cpu.threads;
      if (have === null) return [finding('cpu', 'warn', `CPU ${req.unit} unknown; ${profile.id} needs ${req.block}`, null)];
      if (have < req.block) {
        return [finding('cpu', 'block', `${have} CPU ${req.unit} found; ${profile.id} needs ${req.block}`, `use a machine (or VM) with at least ${req.block} ${req.unit}; \`ciab plan\` shows what each profile needs`)];
      }
      if (req.warn !== undefined && have < req.warn) {
        return [finding('cpu', 'warn', `${have} CPU ${req.unit} found; ${profile.id} runs better with ${req.warn}`, 'expect slow deploys and few instances')];
      }
      return [finding('cpu', 'info', `${have} CPU ${req.unit} (${profile.id} needs ${req.block})`)];
    },
  },
  {
    id: 'memory',
    title: 'RAM for the profile',
    run: (facts, profile) => {
      const req = profile.requirements.memory_gib;
      const total = facts.memory.totalBytes;
      if (total === null) return [finding('memory', 'warn', `RAM unknown; ${profile.id} needs ${req.block} GiB`)];
      // Firmware and the kernel keep a little: a "16 GiB" machine reports ~15.5 GiB. Allow 5 %.
      const gib = total / GiB;
      if (gib < req.block * 0.95) {
        return [finding('memory', 'block', `${formatBytes(total)} RAM found; ${profile.id} needs ${req.block} GiB`, `add RAM (at least ${req.block} GiB); \`ciab plan\` shows what each profile needs`)];
      }
      if (req.warn !== undefined && gib < req.warn * 0.95) {
        return [finding('memory', 'warn', `${formatBytes(total)} RAM found; ${profile.id} wants ${req.warn} GiB to leave room for instances`, 'only small instances will fit')];
      }
      return [finding('memory', 'info', `${formatBytes(total)} RAM (${profile.id} needs ${req.block} GiB)`)];
    },
  },
  {
    id: 'disk-space',
    title: 'free space for container images (and file-backed volumes)',
    run: (facts, profile) => {
      const req = profile.requirements.disk_free_gib;
      const free = facts.os.imagesFreeBytes;
      const where = facts.os.imagesPath;
      if (free === null) return [finding('disk-space', 'warn', `free space on ${where} unknown; ${profile.id} needs ${req.block} GiB`)];
      if (free < req.block * GiB) {
        return [finding('disk-space', 'block', `${formatBytes(free)} free on ${where}; ${profile.id} needs ${req.block} GiB for container images and data`, `free space on ${where} or grow the root filesystem`)];
      }
      if (req.warn !== undefined && free < req.warn * GiB) {
        return [finding('disk-space', 'warn', `${formatBytes(free)} free on ${where}; ${profile.id} wants ${req.warn} GiB`, 'images, logs and glance images will fill it quickly')];
      }
      return [finding('disk-space', 'info', `${formatBytes(free)} free on ${where} (${profile.id} needs ${req.block} GiB)`)];
    },
  },
  {
    id: 'kvm',
    title: 'hardware virtualization (/dev/kvm) for instances',
    run: (facts, profile) => {
      if (facts.cpu.kvm.usable === true) return [finding('kvm', 'info', '/dev/kvm works and a test guest ran: instances get hardware virtualization')];
      const why = facts.cpu.kvm.reason ?? '/dev/kvm is not usable';
      if (facts.cpu.kvm.usable === null) {
        // Unknown is not "no": say what would settle it; qemu is planned meanwhile.
        const fix = 'install python3 and run ciab detect again (the KVM guest probe needs it)';
        if (profile.requirements.kvm === 'required') return [finding('kvm', 'block', `${why}; ${profile.id} needs KVM`, fix)];
        return [finding('kvm', 'warn', `${why}: nova will use qemu software emulation until KVM is proven`, fix)];
      }
      if (profile.requirements.kvm === 'required') {
        return [finding('kvm', 'block', `${why}; ${profile.id} needs KVM`, facts.system.virtual ? 'enable nested virtualization on the hypervisor, or choose the workshop profile (qemu)' : 'enable VT-x/AMD-V in the firmware settings')];
      }
      return [finding('kvm', 'warn', `${why}: nova will use qemu software emulation — instances boot, but slowly`, facts.system.virtual ? 'enable nested virtualization on the hypervisor for full speed' : 'enable VT-x/AMD-V in the firmware settings')];
    },
  },
  {
    id: 'ports',
    title: 'TCP ports kolla needs are free',
    run: (facts) =>
      facts.portsInUse.map((port) => {
        const service = KOLLA_PORTS.find((p) => p.port === port.port)?.service ?? 'kolla';
        const holder = port.process ? `${port.process} (pid ${port.pid})` : 'another process';
        return finding('ports', 'block', `port ${port.port} (${service}) is held by ${holder} on ${port.address}`, `stop or move ${port.process ?? 'that service'}; kolla's ${service} must listen there`);
      }),
  },
  {
    id: 'services',
    title: 'no running libvirt, MySQL, RabbitMQ, nscd … that clash',
    run: (facts) => [
      ...facts.os.services.clashing.map((clash) => finding('services', 'block', `${clash} is running on the host`, 'stop and disable it (systemctl disable --now …) before installing; kolla runs its own in containers')),
      ...facts.os.containerEngines
        .filter((engine) => engine.name === 'docker' && engine.running)
        .map(() => finding('docker', 'warn', 'Docker already runs here: kolla rewrites /etc/docker/daemon.json (iptables and bridge off), which breaks other containers on this host', 'use a machine that is not your Docker workstation, or accept that other containers lose networking')),
    ],
  },
  {
    id: 'hostname',
    title: 'hostname resolves to the management IP',
    run: (facts) => {
      const net = facts.network;
      if (!net.hostnameLoopbackTrap) return [];
      return [finding('hostname', 'warn', `hostname ${net.hostname} resolves to ${net.hostnameAddresses.join(', ')}; RabbitMQ needs it to resolve to the management IP`, 'the installer rewrites the /etc/hosts entry in its prepare-host phase')];
    },
  },
  {
    id: 'time',
    title: 'clock synchronized (NTP)',
    run: (facts) => {
      const t = facts.os.timeSync;
      if (t.synchronized === false) {
        return [finding('time', 'block', `the clock is not synchronized${t.service ? ` although ${t.service} runs` : ' and no NTP service runs'}: kolla's prechecks fail on this`, 'enable systemd-timesyncd or chrony and wait until timedatectl shows "System clock synchronized: yes"')];
      }
      if (t.synchronized === null && t.service === null) {
        return [finding('time', 'warn', 'clock synchronization unknown and no NTP service seen', 'install chrony or enable systemd-timesyncd')];
      }
      return [];
    },
  },
  {
    id: 'python',
    title: 'python3 on the host',
    run: (facts) => {
      const v = facts.os.python3;
      // Unknown rather than absent: the version is read from the link's target, and a plain file has none.
      if (v === null) {
        return [finding('python', 'warn', '/usr/bin/python3 not found, or its version unknown', 'the host preparation and kolla-ansible run their modules with /usr/bin/python3 (3.11 or newer): install python3 if it is missing')];
      }
      const [major, minor] = v.split('.').map(Number);
      if ((major ?? 0) < 3 || ((major ?? 0) === 3 && (minor ?? 0) < 11)) {
        return [finding('python', 'block', `python ${v} found; kolla-ansible ${OPENSTACK_RELEASE} needs 3.11 or newer`, 'upgrade the OS to a supported release')];
      }
      return [];
    },
  },
];

export function runHostChecks(facts: HostFacts, profile: Profile): Finding[] {
  return HOST_CHECKS.flatMap((check) => check.run(facts, profile));
}
